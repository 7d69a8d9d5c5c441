using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

internal sealed partial class DataGenerator
{
    private static readonly string[] UnknownMedTypes = ["12", "99", "2101"];

    /// <summary>Writes <paramref name="c"/>, damaged the way <paramref name="bad"/> says (null = a good row).</summary>
    private void WriteClaim(TextWriter w, in ClaimRow c, BadRowKind? bad)
    {
        var line = _line;
        string admdvs = Codes.Admdvs(c.Region);

        line.Text(admdvs); // batch_id
        line.Append("-");
        line.AppendDigits(_o.Year, 4);
        line.Append("-");
        line.AppendDigits(_o.Month, 2);
        WriteSetlId(line, admdvs, c.Seq);
        long psnIndex = bad == BadRowKind.UnknownPerson ? _o.Persons + (long)_rng.Below(1_000_000) : c.PersonIndex;
        PersonModel.WritePsnNo(line, c.Region, psnIndex);
        line.Text(admdvs);
        line.Text(c.Employee ? "310" : "390");
        line.Text(bad == BadRowKind.UnknownMedType ? UnknownMedTypes[_rng.Below(UnknownMedTypes.Length)] : c.MedType);
        line.Text("H");
        line.Append(c.FacilityArea);
        line.AppendDigits(c.FacilityCombo, 2);
        line.AppendDigits(c.FacilityNo, 3);
        line.Text(Facilities.Levels[c.FacilityCombo]);
        line.Text(Facilities.Kinds[c.FacilityCombo]);
        line.Bool(c.Designated);
        line.Text(c.Setting);
        line.Bool(c.InProvince);
        line.Text(c.TransferFromLv);
        line.Date(c.Begin);
        if (bad == BadRowKind.UnparseableDate) WriteBadDate(line, c.End);
        else line.Date(c.End);
        if (c.BedDays >= 0) line.Int(c.BedDays);
        else line.Empty();
        line.Text(c.Diagnosis);
        line.Text(c.SpecialDisease);
        line.Text(c.Exclusion);
        WriteBool(line, c.Emergency);
        WriteBool(line, c.Approved);

        long fee = c.MedFee, ful = c.FullOwnPay, over = c.OverLimit, pre = c.PreSelfPay, scope = c.InScope;
        if (bad == BadRowKind.AmountIdentityBroken)
        {
            scope += _rng.Between(1, 99); // a few fen off: the kind of error a rounding upstream makes
        }
        else if (bad == BadRowKind.NegativeAmount)
        {
            // Negative over-limit part with the identity still holding: only the sign is wrong.
            long x = (fee / 10) + 1;
            scope += over + x;
            over = -x;
        }
        line.Money(fee);
        line.Money(ful);
        line.Money(over);
        line.Money(pre);
        line.Money(scope);
        if (bad == BadRowKind.ThreeDecimals) line.Append("123456789".AsSpan(_rng.Below(9), 1));
        if (c.ReversalOf >= 0) WriteSetlId(line, admdvs, c.ReversalOf);
        else line.Empty();
        line.EndLine(w);
        _stats.ClaimRows++;
        if (c.Region == Region.Benxi) _stats.BenxiClaims++;
        else _stats.YingkouClaims++;
    }

    /// <summary>setl_id: admdvs, batch yyyyMM, ten-digit sequence (unique across batches, increasing within one).</summary>
    private void WriteSetlId(CsvLine line, string admdvs, long seq)
    {
        line.Text(admdvs);
        line.AppendDigits(_o.Year, 4);
        line.AppendDigits(_o.Month, 2);
        line.AppendDigits(seq, 10);
    }

    private void WriteBadDate(CsvLine line, DateOnly d)
    {
        switch (_rng.Below(3))
        {
            case 0: // slashes
                line.Text("");
                line.AppendDigits(d.Year, 4);
                line.Append("/");
                line.AppendDigits(d.Month, 2);
                line.Append("/");
                line.AppendDigits(d.Day, 2);
                break;
            case 1: // a day the month does not have
                line.Text("");
                line.AppendDigits(d.Year, 4);
                line.Append("-02-30");
                break;
            default: // compact
                line.Text("");
                line.AppendDigits(d.Year, 4);
                line.AppendDigits(d.Month, 2);
                line.AppendDigits(d.Day, 2);
                break;
        }
    }

    private static void WriteBool(CsvLine line, bool? b)
    {
        if (b is { } v) line.Bool(v);
        else line.Empty();
    }
}
