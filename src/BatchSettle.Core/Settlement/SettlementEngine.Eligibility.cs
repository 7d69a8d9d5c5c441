using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>§4 eligibility and waiting periods.</summary>
public sealed partial class SettlementEngine
{
    /// <summary>Returns the rule id that rejects the claim, or null when covered (or when a parameter is missing).</summary>
    private static string? Eligibility(ref Ctx c, bool enrolled)
    {
        ref readonly var cl = ref c.Claim;
        ref readonly var ps = ref c.Person;
        if (!enrolled || ps.Region != cl.Region || ps.InsuType != cl.InsuType)
        {
            Step(ref c, RuleRef.El01, TraceWhat.NotEnrolled, 0, 0, 0, 0, 0);
            return Rules.El01;
        }
        // EL-01 (v2) two rows in one year: from the employee row's benefit start the person is settled as an employee and
        // resident benefits end (interpreted from the old text of 本医保发〔2019〕39号 第三章第十五条(三) [000:181]).
        if (cl.InsuType == InsuType.Resident && ps.EmployeeRowStart is { } es && cl.BeginDate >= es)
        {
            Step(ref c, RuleRef.El01, TraceWhat.ResidentEndsAtEmployeeRow, 0, 0, 0, CivilDate.Ymd(es), 0);
            return Rules.El01;
        }
        if (cl.InsuType == InsuType.Employee && ps.ArrearsFrom is { } af && !ArrearsCovered(ref c, af, out bool missing))
        {
            return missing ? null : Rules.El01;
        }
        DateOnly start;
        string rule;
        int pid = 0;
        // EL-05: a Benxi student row of the 2024 centralised period also covers 2023-09-01..2023-12-31.
        if (ps.Year == c.Year + 1 && ps.EnrolKind == EnrolKind.Student && cl.InsuType == InsuType.Resident
            && cl.Region == Region.Benxi
            && Opt(ref c, ParamKeys.ElStudentPriorStartMonth) is { EffectiveTo: { } to } sp && to.Year == ps.Year)
        {
            start = new DateOnly(c.Year, checked((int)sp.Value), 1);
            rule = Rules.El05;
            pid = sp.Id;
        }
        // EL-02 (v2) Yingkou students (营政发〔2019〕16号 第十一条(二) [001:40], from 2020): a row of year Y paid on or after
        // 1 September of Y−1 also covers the claims of Y−1 that begin on or after that day (the runner passes it only
        // when the person has no row for Y−1). The claim settles in Y−1: its year, parameters and running totals are
        // Y−1's (the runner keys the accumulators by the claim's year).
        else if (ps.Year == c.Year + 1 && ps.EnrolKind == EnrolKind.Student && cl.InsuType == InsuType.Resident
            && cl.Region == Region.Yingkou
            && Opt(ref c, ParamKeys.ElStudentPriorStartMonth) is { EffectiveTo: null } ysp
            && ps.PaidDate >= new DateOnly(c.Year, checked((int)ysp.Value), 1))
        {
            start = new DateOnly(c.Year, checked((int)ysp.Value), 1);
            rule = Rules.El02;
            pid = ysp.Id;
        }
        else if (ps.Year != c.Year)
        {
            Step(ref c, RuleRef.El01, TraceWhat.RegistryYear, 0, 0, 0, 0, 0);
            return Rules.El01;
        }
        else if (!BenefitStart(ref c, out start, out rule, out pid))
        {
            return rule.Length == 0 ? null : rule;
        }
        // An admission that began in the previous year is covered when the cover is continuous across New Year:
        // employees' continuous enrolment, or a resident enrolled the year before with no waiting period this year.
        var jan1 = CivilDate.FirstOfYear(ps.Year);
        if (start == jan1 && cl.BeginDate < jan1
            && (ps.InsuType == InsuType.Employee ? ps.EnrolKind == EnrolKind.Centralised : ps.ContinuousYears >= 2))
        {
            start = cl.BeginDate;
        }
        int ymd = CivilDate.Ymd(start);
        if (cl.BeginDate < start)
        {
            Step(ref c, RuleRef.Of(rule), TraceWhat.BenefitStartRejected, pid, 0, 0, ymd, 0);
            return rule;
        }
        Step(ref c, RuleRef.Of(rule), TraceWhat.BenefitStartCovered, pid, 0, 0, ymd, 0);
        return null;
    }


    /// <summary>
    /// EL-01 (v2) employer arrears: benefits stop from the 1st of the month after arrears_from; arrears paid in full on or
    /// before the same day N months after arrears_from (欠费6个月及以内, that day included) restore them back to
    /// arrears_from; paid later, cover resumes on the 1st of the month after arrears_paid (assumed). False when the
    /// claim (by begndate) falls in the stop; <paramref name="missing"/> when the parameter is missing.
    /// </summary>
    private static bool ArrearsCovered(ref Ctx c, DateOnly arrearsFrom, out bool missing)
    {
        ref readonly var cl = ref c.Claim;
        missing = false;
        var stop = new DateOnly(arrearsFrom.Year, arrearsFrom.Month, 1).AddMonths(1);
        if (cl.BeginDate < stop) return true;
        var n = P(ref c, ParamKeys.ElArrearsRestoreMonths);
        if (n is null)
        {
            missing = true;
            return false;
        }
        if (c.Person.ArrearsPaid is { } paid)
        {
            if (paid <= arrearsFrom.AddMonths(checked((int)n.Value)))
            {
                Step(ref c, n.RuleRef, TraceWhat.ArrearsRestored, n.Id, 0, 0, CivilDate.Ymd(paid), 0);
                return true;
            }
            var resumed = new DateOnly(paid.Year, paid.Month, 1).AddMonths(1);
            if (cl.BeginDate >= resumed) return true;
        }
        Step(ref c, n.RuleRef, TraceWhat.ArrearsStopped, n.Id, 0, 0, CivilDate.Ymd(stop), 0);
        return false;
    }

    /// <summary>
    /// EL-01 (v2): the benefit start of an employee row — January 1 for a centralised (continuous) row, else the 1st of
    /// the month after its paid_date, with no waiting period (assumed: "次月" as in the employee texts [000:166], [000:181]).
    /// </summary>
    public static DateOnly EmployeeBenefitStart(EnrolKind kind, DateOnly paidDate, int year)
    {
        var jan1 = CivilDate.FirstOfYear(year);
        if (kind == EnrolKind.Centralised) return jan1;
        var next = new DateOnly(paidDate.Year, paidDate.Month, 1).AddMonths(1);
        return next > jan1 ? next : jan1;
    }

    /// <summary>
    /// The benefit start date (待遇享受开始日) of the person-year. False with an empty rule when a parameter is missing;
    /// false with a rule id when the enrolment itself is not allowed (EL-03 late mid-year enrolment).
    /// </summary>
    private static bool BenefitStart(ref Ctx c, out DateOnly start, out string rule, out int pid)
    {
        ref readonly var ps = ref c.Person;
        var jan1 = CivilDate.FirstOfYear(ps.Year);
        start = jan1;
        rule = Rules.El01;
        pid = 0;
        if (ps.InsuType == InsuType.Employee)
        {
            // Employees (v2 EL-01): continuous enrolment from January 1; a row begun during the year from the 1st of the
            // month after its paid_date, no waiting period.
            start = EmployeeBenefitStart(ps.EnrolKind, ps.PaidDate, ps.Year);
            return true;
        }
        bool benxi = c.Claim.Region == Region.Benxi;
        string oldRule = benxi ? Rules.El03 : Rules.El02;
        switch (ps.EnrolKind)
        {
            case EnrolKind.Newborn:
            {
                var cover = P(ref c, ParamKeys.ElNewbornCoverMonths);
                if (cover is null) return Missing(out rule);
                pid = cover.Id;
                rule = oldRule;
                // (v2 counting, §4) within N months of birth: before the same day N months later.
                if (ps.PaidDate < ps.Birth.AddMonths(checked((int)cover.Value)))
                {
                    start = ps.Birth;
                    return true;
                }
                if (!benxi)
                {
                    var pay = P(ref c, ParamKeys.ElNewbornPayMonths);
                    if (pay is null) return Missing(out rule);
                    if (ps.PaidDate < ps.Birth.AddMonths(checked((int)pay.Value)))
                    {
                        pid = pay.Id;
                        start = Max(ps.PaidDate, jan1);
                        return true;
                    }
                }
                return Waiting(ref c, out start, out rule, out pid);
            }
            case EnrolKind.JobLoss when ps.PrevCoverEnd is { } end:
            {
                var p = P(ref c, benxi ? ParamKeys.ElJobLossMonths : ParamKeys.ElJobLossDays);
                if (p is null) return Missing(out rule);
                // (v2 counting, §4) "within N months / days" of P = the day after prev_cover_end: before the same day N
                // months later (month-end clamped), before P + N days. Later: the waiting period of the regime in force
                // (EL-02 60 days, EL-03 calendar months for Benxi rows up to 2024, EL-04 from 2025).
                var from = end.AddDays(1);
                var limit = benxi ? from.AddMonths(checked((int)p.Value)) : from.AddDays(checked((int)p.Value));
                if (ps.PaidDate < limit)
                {
                    pid = p.Id;
                    rule = oldRule;
                    start = Max(end.AddDays(1), jan1);
                    return true;
                }
                return Waiting(ref c, out start, out rule, out pid);
            }
            case EnrolKind.VeteranOrReleased or EnrolKind.Graduate:
                // EL-02 exception (the month after payment); exempt from EL-04; Benxi follows it too (INTERPRETATIONS).
                rule = Rules.El02;
                start = Max(new DateOnly(ps.PaidDate.Year, ps.PaidDate.Month, 1).AddMonths(1), jan1);
                return true;
            case EnrolKind.Student when !benxi:
            {
                // EL-02 (v2) Yingkou students (第十一条(二) [001:40]): paid before the row's year → January 1 (a break still
                // brings the waiting period); paid in its own year on or after 1 September (first enrolment, the
                // enrolment year counting as paid from 1 September) → 1 September, no waiting period. Paid in its own
                // year before September: outside the students' collection period → the waiting period (interpreted).
                if (ps.BrokenYears > 0) return Waiting(ref c, out start, out rule, out pid);
                if (ps.PaidDate < jan1) return true;
                var sm = P(ref c, ParamKeys.ElStudentPriorStartMonth);
                if (sm is null) return Missing(out rule);
                var sept1 = new DateOnly(ps.Year, checked((int)sm.Value), 1);
                if (ps.PaidDate < sept1) return Waiting(ref c, out start, out rule, out pid);
                start = sept1;
                rule = Rules.El02;
                pid = sm.Id;
                return true;
            }
            case EnrolKind.Centralised or EnrolKind.Student when ps.BrokenYears <= 0:
                return true;
            default:
                return Waiting(ref c, out start, out rule, out pid);
        }
    }

    /// <summary>Waiting period: EL-04 from 2025 (both regions), else EL-02 (Yingkou) / EL-03 (Benxi).</summary>
    private static bool Waiting(ref Ctx c, out DateOnly start, out string rule, out int pid)
    {
        ref readonly var ps = ref c.Person;
        var jan1 = CivilDate.FirstOfYear(ps.Year);
        pid = 0;
        var fixedWait = Opt(ref c, ParamKeys.ElFixedWaitMonths);
        if (fixedWait is not null)
        {
            var perYear = P(ref c, ParamKeys.ElBrokenYearMonths);
            var longYears = P(ref c, ParamKeys.ElLongBreakYears);
            var longMin = P(ref c, ParamKeys.ElLongBreakMinMonths);
            if (perYear is null || longYears is null || longMin is null)
            {
                start = default;
                return Missing(out rule);
            }
            long months = fixedWait.Value + (perYear.Value * Math.Max(0, ps.BrokenYears - ps.RepairedYears));
            if (ps.BrokenYears >= longYears.Value) months = Math.Max(months, longMin.Value);
            pid = fixedWait.Id;
            rule = Rules.El04;
            start = Max(ps.PaidDate.AddMonths(checked((int)months)), jan1);
            return true;
        }
        if (c.Claim.Region == Region.Yingkou)
        {
            var days = P(ref c, ParamKeys.ElYkWaitDays);
            if (days is null)
            {
                start = default;
                return Missing(out rule);
            }
            pid = days.Id;
            rule = Rules.El02;
            start = Max(ps.PaidDate.AddDays(checked((int)days.Value)), jan1);
            return true;
        }
        // Benxi before 2025: only mid-year enrolment waits; a centralised payment after a break is covered from Jan 1.
        if (ps.EnrolKind is EnrolKind.Centralised or EnrolKind.Student)
        {
            start = jan1;
            rule = Rules.El01;
            return true;
        }
        var wait = P(ref c, ParamKeys.ElBxWaitMonths);
        var last = P(ref c, ParamKeys.ElMidyearLastMonth);
        if (wait is null || last is null)
        {
            start = default;
            return Missing(out rule);
        }
        pid = wait.Id;
        rule = Rules.El03;
        if (ps.EnrolKind == EnrolKind.MidYear && ps.PaidDate.Year == ps.Year && ps.PaidDate.Month > last.Value)
        {
            start = DateOnly.MaxValue; // enrolment outside January..September is not allowed: never covered
            return true;
        }
        start = Max(new DateOnly(ps.PaidDate.Year, ps.PaidDate.Month, 1).AddMonths(checked((int)wait.Value)), jan1);
        return true;
    }

    private static bool Missing(out string rule)
    {
        rule = "";
        return false;
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>Whole years of age on <paramref name="day"/>.</summary>
    internal static int AgeOn(DateOnly birth, DateOnly day)
    {
        int age = day.Year - birth.Year;
        if (day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day)) age--;
        return age;
    }
}
