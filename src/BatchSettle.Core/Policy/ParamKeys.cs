namespace BatchSettle.Core.Policy;

/// <summary>
/// The parameter keys the engine resolves on the hot path, as dense int ids (key, qualifier). A group (e.g.
/// <see cref="IpDedc"/>) is consecutive: add the qualifier's offset. Keys found in the CSV but not listed here (e.g.
/// chr.ratio/&lt;code&gt;) get ids from <see cref="Count"/> on, per <see cref="PolicySet"/>. Generated; append only.
/// </summary>
public static class ParamKeys
{
    /// <summary>ip.dedc/tertiary (group start).</summary>
    public const int IpDedc = 0;
    /// <summary>ip.ratio/tertiary (group start).</summary>
    public const int IpRatio = 7;
    /// <summary>ip.seg_ratio_low/level3a_general.</summary>
    public const int IpSegRatioLow = 14;
    /// <summary>ip.seg_point/level3a_general.</summary>
    public const int IpSegPoint = 15;
    /// <summary>ip.dedc_step.</summary>
    public const int IpDedcStep = 16;
    /// <summary>ip.dedc_floor.</summary>
    public const int IpDedcFloor = 17;
    /// <summary>pool.cap.</summary>
    public const int PoolCap = 18;
    /// <summary>remote.dedc/referred (group start).</summary>
    public const int RemoteDedc = 19;
    /// <summary>remote.ratio/referred (group start).</summary>
    public const int RemoteRatio = 21;
    /// <summary>eobs.dedc/local (group start).</summary>
    public const int EobsDedc = 23;
    /// <summary>eobs.ratio/local (group start).</summary>
    public const int EobsRatio = 25;
    /// <summary>mt.nondesig_cap.</summary>
    public const int MtNondesigCap = 27;
    /// <summary>mt.op_ratio.</summary>
    public const int MtOpRatio = 28;
    /// <summary>op.dedc.</summary>
    public const int OpDedc = 29;
    /// <summary>op.cap.</summary>
    public const int OpCap = 30;
    /// <summary>op.ratio/tertiary_general (group start).</summary>
    public const int OpRatio = 31;
    /// <summary>tb.ratio.</summary>
    public const int TbRatio = 35;
    /// <summary>tb.cap/hypertension (group start).</summary>
    public const int TbCap = 36;
    /// <summary>chr.dedc.</summary>
    public const int ChrDedc = 38;
    /// <summary>ci.dedc.</summary>
    public const int CiDedc = 39;
    /// <summary>ci.ratio.</summary>
    public const int CiRatio = 40;
    /// <summary>ci.tilt_dedc_bp.</summary>
    public const int CiTiltDedcBp = 41;
    /// <summary>ci.tilt_ratio.</summary>
    public const int CiTiltRatio = 42;
    /// <summary>ci.tilt_cat/T (group start).</summary>
    public const int CiTiltCat = 43;
    /// <summary>ci.child_dedc.</summary>
    public const int CiChildDedc = 52;
    /// <summary>ci.child_ratio.</summary>
    public const int CiChildRatio = 53;
    /// <summary>ci.child_max_age.</summary>
    public const int CiChildMaxAge = 54;
    /// <summary>ci.cap.</summary>
    public const int CiCap = 55;
    /// <summary>ci.no_cap_hardship.</summary>
    public const int CiNoCapHardship = 56;
    /// <summary>ci.inc_free_years.</summary>
    public const int CiIncFreeYears = 57;
    /// <summary>ci.inc_per_year.</summary>
    public const int CiIncPerYear = 58;
    /// <summary>ci.inc_zero_per_year.</summary>
    public const int CiIncZeroPerYear = 59;
    /// <summary>ci.inc_max_bp.</summary>
    public const int CiIncMaxBp = 60;
    /// <summary>ci.funding.</summary>
    public const int CiFunding = 61;
    /// <summary>la.ratio.</summary>
    public const int LaRatio = 62;
    /// <summary>la.cap.</summary>
    public const int LaCap = 63;
    /// <summary>la.premium.</summary>
    public const int LaPremium = 64;
    /// <summary>la.deadline_month.</summary>
    public const int LaDeadlineMonth = 65;
    /// <summary>ma.basic.dedc/TOD (group start).</summary>
    public const int MaBasicDedc = 66;
    /// <summary>ma.basic.ratio/TOD (group start).</summary>
    public const int MaBasicRatio = 69;
    /// <summary>ma.basic.cap/TOD (group start).</summary>
    public const int MaBasicCap = 72;
    /// <summary>ma.tilt.dedc/TO (group start).</summary>
    public const int MaTiltDedc = 75;
    /// <summary>ma.tilt.ratio/TO (group start).</summary>
    public const int MaTiltRatio = 79;
    /// <summary>ma.tilt.cap/TO (group start).</summary>
    public const int MaTiltCap = 83;
    /// <summary>ma.psych_bed_day.</summary>
    public const int MaPsychBedDay = 87;
    /// <summary>ew.threshold/hardship (group start).</summary>
    public const int EwThreshold = 88;
    /// <summary>ps.pct/T (group start).</summary>
    public const int PsPct = 91;
    /// <summary>ps.premium.</summary>
    public const int PsPremium = 100;
    /// <summary>ps.city_bp.</summary>
    public const int PsCityBp = 101;
    /// <summary>ps.county_bp.</summary>
    public const int PsCountyBp = 102;
    /// <summary>el.wait_days.</summary>
    public const int ElYkWaitDays = 103;
    /// <summary>el.newborn_cover_months.</summary>
    public const int ElNewbornCoverMonths = 104;
    /// <summary>el.newborn_pay_months.</summary>
    public const int ElNewbornPayMonths = 105;
    /// <summary>el.jobloss_days.</summary>
    public const int ElJobLossDays = 106;
    /// <summary>el.wait_months.</summary>
    public const int ElBxWaitMonths = 107;
    /// <summary>el.jobloss_months.</summary>
    public const int ElJobLossMonths = 108;
    /// <summary>el.midyear_last_month.</summary>
    public const int ElMidyearLastMonth = 109;
    /// <summary>el.fixed_wait_months.</summary>
    public const int ElFixedWaitMonths = 110;
    /// <summary>el.broken_year_months.</summary>
    public const int ElBrokenYearMonths = 111;
    /// <summary>el.long_break_years.</summary>
    public const int ElLongBreakYears = 112;
    /// <summary>el.long_break_min_months.</summary>
    public const int ElLongBreakMinMonths = 113;
    /// <summary>el.student_prior_start_month.</summary>
    public const int ElStudentPriorStartMonth = 114;
    /// <summary>mt.res_op_rule.</summary>
    public const int MtResOpRule = 115;
    /// <summary>rm.university_local: BX-RM-03 / YK-IP-07 in force (flag).</summary>
    public const int RmUniversityLocal = 116;
    /// <summary>chr.autism_max_age: CHR-01 childhood autism age limit (whole years on begndate, inclusive).</summary>
    public const int ChrAutismMaxAge = 117;
    /// <summary>el.arrears_restore_months: EL-01 employer arrears restored when paid within N months (included).</summary>
    public const int ElArrearsRestoreMonths = 118;

    /// <summary>Tier offsets of the ip.* groups.</summary>
    public const int Tertiary = 0, Secondary = 1, Primary = 2, Level1 = 3, Level2 = 4, Level3 = 5, Level3AGeneral = 6;

    /// <summary>Number of well-known keys.</summary>
    public const int Count = 119;

    /// <summary>(key, qualifier) of each well-known id.</summary>
    internal static ReadOnlySpan<(string Key, string Qualifier)> Defs => s_defs;

    private static readonly (string Key, string Qualifier)[] s_defs =
    [
        ("ip.dedc", "tertiary"),
        ("ip.dedc", "secondary"),
        ("ip.dedc", "primary"),
        ("ip.dedc", "level1"),
        ("ip.dedc", "level2"),
        ("ip.dedc", "level3"),
        ("ip.dedc", "level3a_general"),
        ("ip.ratio", "tertiary"),
        ("ip.ratio", "secondary"),
        ("ip.ratio", "primary"),
        ("ip.ratio", "level1"),
        ("ip.ratio", "level2"),
        ("ip.ratio", "level3"),
        ("ip.ratio", "level3a_general"),
        ("ip.seg_ratio_low", "level3a_general"),
        ("ip.seg_point", "level3a_general"),
        ("ip.dedc_step", ""),
        ("ip.dedc_floor", ""),
        ("pool.cap", ""),
        ("remote.dedc", "referred"),
        ("remote.dedc", "temporary"),
        ("remote.ratio", "referred"),
        ("remote.ratio", "temporary"),
        ("eobs.dedc", "local"),
        ("eobs.dedc", "remote"),
        ("eobs.ratio", "local"),
        ("eobs.ratio", "remote"),
        ("mt.nondesig_cap", ""),
        ("mt.op_ratio", ""),
        ("op.dedc", ""),
        ("op.cap", ""),
        ("op.ratio", "tertiary_general"),
        ("op.ratio", "tertiary_tcm"),
        ("op.ratio", "secondary"),
        ("op.ratio", "basic"),
        ("tb.ratio", ""),
        ("tb.cap", "hypertension"),
        ("tb.cap", "diabetes"),
        ("chr.dedc", ""),
        ("ci.dedc", ""),
        ("ci.ratio", ""),
        ("ci.tilt_dedc_bp", ""),
        ("ci.tilt_ratio", ""),
        ("ci.tilt_cat", "T"),
        ("ci.tilt_cat", "O"),
        ("ci.tilt_cat", "D"),
        ("ci.tilt_cat", "E"),
        ("ci.tilt_cat", "F"),
        ("ci.tilt_cat", "M"),
        ("ci.tilt_cat", "N"),
        ("ci.tilt_cat", "I"),
        ("ci.tilt_cat", "S"),
        ("ci.child_dedc", ""),
        ("ci.child_ratio", ""),
        ("ci.child_max_age", ""),
        ("ci.cap", ""),
        ("ci.no_cap_hardship", ""),
        ("ci.inc_free_years", ""),
        ("ci.inc_per_year", ""),
        ("ci.inc_zero_per_year", ""),
        ("ci.inc_max_bp", ""),
        ("ci.funding", ""),
        ("la.ratio", ""),
        ("la.cap", ""),
        ("la.premium", ""),
        ("la.deadline_month", ""),
        ("ma.basic.dedc", "TOD"),
        ("ma.basic.dedc", "E"),
        ("ma.basic.dedc", "I"),
        ("ma.basic.ratio", "TOD"),
        ("ma.basic.ratio", "E"),
        ("ma.basic.ratio", "I"),
        ("ma.basic.cap", "TOD"),
        ("ma.basic.cap", "E"),
        ("ma.basic.cap", "I"),
        ("ma.tilt.dedc", "TO"),
        ("ma.tilt.dedc", "D"),
        ("ma.tilt.dedc", "E"),
        ("ma.tilt.dedc", "I"),
        ("ma.tilt.ratio", "TO"),
        ("ma.tilt.ratio", "D"),
        ("ma.tilt.ratio", "E"),
        ("ma.tilt.ratio", "I"),
        ("ma.tilt.cap", "TO"),
        ("ma.tilt.cap", "D"),
        ("ma.tilt.cap", "E"),
        ("ma.tilt.cap", "I"),
        ("ma.psych_bed_day", ""),
        ("ew.threshold", "hardship"),
        ("ew.threshold", "resident"),
        ("ew.threshold", "employee"),
        ("ps.pct", "T"),
        ("ps.pct", "O"),
        ("ps.pct", "D"),
        ("ps.pct", "E"),
        ("ps.pct", "F"),
        ("ps.pct", "M"),
        ("ps.pct", "N"),
        ("ps.pct", "I"),
        ("ps.pct", "S"),
        ("ps.premium", ""),
        ("ps.city_bp", ""),
        ("ps.county_bp", ""),
        ("el.wait_days", ""),
        ("el.newborn_cover_months", ""),
        ("el.newborn_pay_months", ""),
        ("el.jobloss_days", ""),
        ("el.wait_months", ""),
        ("el.jobloss_months", ""),
        ("el.midyear_last_month", ""),
        ("el.fixed_wait_months", ""),
        ("el.broken_year_months", ""),
        ("el.long_break_years", ""),
        ("el.long_break_min_months", ""),
        ("el.student_prior_start_month", ""),
        ("mt.res_op_rule", ""),
        ("rm.university_local", ""),
        ("chr.autism_max_age", ""),
        ("el.arrears_restore_months", ""),
    ];
}
