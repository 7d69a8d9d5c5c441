using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

internal sealed partial class DataGenerator
{
    private static readonly string[] EnrolKindCodes =
        ["", "centralised", "mid_year", "newborn", "job_loss", "veteran_or_released", "graduate", "student"];

    private void WritePersons(TextWriter w)
    {
        w.Write(PersonsHeader);
        w.Write('\n');
        for (int i = 0; i < _o.Persons; i++)
        {
            var p = PersonModel.Derive(_o.Seed, i, _o);
            WritePersonRow(w, p, _o.Year);
            _stats.PersonRows++;
            if (p.HasPrevYear)
            {
                WritePersonRow(w, p, _o.Year - 1);
                _stats.PersonRows++;
            }
        }
    }

    /// <summary>
    /// The row for <paramref name="year"/>; the previous year's row (only for continuously enrolled centralised
    /// persons) is the same enrolment a year earlier.
    /// </summary>
    private void WritePersonRow(TextWriter w, in PersonFacts p, int year)
    {
        bool prev = year != _o.Year;
        var line = _line;
        PersonModel.WritePsnNo(line, p.Region, p.Index);
        line.Text(Codes.Admdvs(p.Region));
        line.Text(p.Employee ? "310" : "390");
        line.Date(p.Birth);
        line.Int(year);
        line.Text(EnrolKindCodes[(int)(prev ? EnrolKind.Centralised : p.Enrol)]);
        line.Date(prev ? p.PaidDate.AddYears(-1) : p.PaidDate);
        line.Date(prev ? null : p.PrevCoverEnd);
        line.Int(prev ? 0 : p.BrokenYears);
        line.Int(prev ? 0 : p.RepairedYears);
        line.Int(prev ? p.ContinuousYears - 1 : p.ContinuousYears);
        if (p.Employee) line.Empty();
        else line.Int(prev ? Math.Max(0, p.ZeroClaimYears - 1) : p.ZeroClaimYears);
        line.Date(prev ? p.LargeAmountPaid?.AddYears(-1) : p.LargeAmountPaid);
        WriteHardship(line, p);
        if (p.HardshipCount == 0 && (p.Index & 1) == 0) line.Empty(); // both spellings of "not subsidised"
        else line.Bool(p.AssistanceSubsidised);
        line.EndLine(w);
    }

    private static void WriteHardship(CsvLine line, in PersonFacts p)
    {
        if (p.HardshipCount == 0)
        {
            line.Empty();
            return;
        }
        line.Text(CategoryCode(p.Hardship1));
        line.Append(":");
        line.AppendDate(p.Hardship1Start);
        if (p.HardshipCount == 2)
        {
            line.Append(";");
            line.Append(CategoryCode(p.Hardship2));
            line.Append(":");
            line.AppendDate(p.Hardship2Start);
        }
    }

    private static string CategoryCode(HardshipCategory c) => c switch
    {
        HardshipCategory.T => "T",
        HardshipCategory.O => "O",
        HardshipCategory.D => "D",
        HardshipCategory.E => "E",
        HardshipCategory.F => "F",
        HardshipCategory.M => "M",
        HardshipCategory.N => "N",
        HardshipCategory.I => "I",
        _ => "S",
    };
}
