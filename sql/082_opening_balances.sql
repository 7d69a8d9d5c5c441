-- Opening balances (期初余额) of the fund books (issue 14; Data/Finance/OpeningBalances, `batchsettle opening-balances`).
-- They are a voucher of kind 'opening' (060 already allows the kind), posted through every voucher guard. A book has
-- at most one: a second load is refused here as well as by the application (correct an opening with a correcting
-- voucher instead).
CREATE UNIQUE INDEX voucher_one_opening ON voucher (book_code) WHERE kind = 'opening';
