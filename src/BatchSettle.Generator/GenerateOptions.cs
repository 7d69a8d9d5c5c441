namespace BatchSettle.Generator;

/// <summary>Parsed <c>generate</c> arguments.</summary>
/// <param name="Persons">Number of distinct persons (each gets a row for the batch year, some also for the year before).</param>
/// <param name="Claims">Exact number of claim rows, reversals and bad rows included.</param>
/// <param name="Seed">Same seed and options → byte-identical files.</param>
/// <param name="Year">Year of the batch month.</param>
/// <param name="Month">Month of the batch (1–12); claims end in it.</param>
internal readonly record struct GenerateOptions(int Persons, long Claims, ulong Seed, int Year, int Month)
{
    public DateOnly MonthStart => new(Year, Month, 1);

    public DateOnly MonthEnd => MonthStart.AddMonths(1).AddDays(-1);
}
