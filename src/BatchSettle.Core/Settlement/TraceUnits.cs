namespace BatchSettle.Core.Settlement;

/// <summary>What a trace step's <see cref="TraceStep.Base"/> holds, for the explanation to show it as what it is.</summary>
public enum TraceBaseKind
{
    /// <summary>An amount in fen (most steps).</summary>
    Money,
    /// <summary>A date as yyyymmdd (benefit starts, arrears dates).</summary>
    Date,
    /// <summary>Whole years (an age).</summary>
    Years,
    /// <summary>Bed days.</summary>
    Days,
}

/// <summary>
/// Which steps carry something other than fen in <see cref="TraceStep.Base"/>: kept apart from <see cref="TraceWhat"/>
/// so the catalogue stays a list of texts. A step not named here holds fen.
/// </summary>
public static class TraceUnits
{
    public static TraceBaseKind BaseKind(TraceWhat? what)
    {
        if (what is null) return TraceBaseKind.Money;
        if (ReferenceEquals(what, TraceWhat.BenefitStartCovered) || ReferenceEquals(what, TraceWhat.BenefitStartRejected)
            || ReferenceEquals(what, TraceWhat.ResidentEndsAtEmployeeRow) || ReferenceEquals(what, TraceWhat.ArrearsStopped)
            || ReferenceEquals(what, TraceWhat.ArrearsRestored))
            return TraceBaseKind.Date;
        if (ReferenceEquals(what, TraceWhat.ChronicAgeLimit)) return TraceBaseKind.Years;
        if (ReferenceEquals(what, TraceWhat.AssistancePsychBedDay)) return TraceBaseKind.Days;
        return TraceBaseKind.Money;
    }

    /// <summary>The label of a date step's date.</summary>
    public static string DateLabel(TraceWhat? what) =>
        ReferenceEquals(what, TraceWhat.ResidentEndsAtEmployeeRow) ? "employee row's benefit start"
        : ReferenceEquals(what, TraceWhat.ArrearsStopped) ? "benefits stopped from"
        : ReferenceEquals(what, TraceWhat.ArrearsRestored) ? "arrears paid"
        : "benefit start";

    /// <summary>True for the accumulator slots that count (admissions, claims, flags) rather than hold fen.</summary>
    public static bool IsCounterSlot(int slot) =>
        slot is AccSlot.LocalAdmissions or AccSlot.AlertsRaised or AccSlot.ZeroClaimIncentiveReset or AccSlot.Claims
        || slot >= AccSlot.ChronicLaneKey0;
}
