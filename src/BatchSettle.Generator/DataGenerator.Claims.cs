using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

internal sealed partial class DataGenerator
{
    // med_type codes in the index order used by the weights below and by AmountModel.
    private static readonly string[] MedTypeCodes = ["11", "9901", "14", "13", "21", "51", "52", "53"];
    private const int Op = 0, TwoDis = 1, Chronic = 2, Emerg = 3, Inpat = 4, MatOp = 5, MatIp = 6, FamPlan = 7;

    private static ReadOnlySpan<int> MedTypeWeights => [560, 70, 90, 40, 180, 20, 15, 25];

    private static readonly string[] Settings = ["local", "filed_remote", "referred", "temporary", "emergency_remote"];
    private static ReadOnlySpan<int> OutpatientSettingWeights => [920, 60, 0, 20, 0];
    private static ReadOnlySpan<int> ChronicSettingWeights => [950, 50, 0, 0, 0];
    private static ReadOnlySpan<int> InpatientSettingWeights => [860, 50, 50, 25, 15];

    private static readonly string[] Exclusions = ["abroad", "work_injury", "public_health", "third_party", "misconduct", "addiction"];
    private static readonly string[] LevelCodes = ["1", "2", "3", "3A"];

    private static readonly string[] OutpatientDx = ["J06.9", "K29.7", "M54.5", "I10", "E11.9", "J20.9", "L30.9", "H10.9"];
    private static readonly string[] InpatientDx = ["J18.9", "I63.9", "I21.9", "K80.2", "S72.0", "C34.9", "I50.9", "K35.8", "M17.9", "N18.5"];
    private static readonly string[] EmergencyDx = ["R07.4", "S06.0", "I21.9", "K92.2", "J45.9"];
    private static readonly string[] ChildMajorDx = ["C91.0", "C92.4", "Q21.1", "Q21.0", "Q25.0", "Q22.1", "D61.9", "D69.3", "D66", "C83.3", "C74.9"];
    private static readonly string[] SpecialInpatient = ["tb", "psychiatric", "hepatitis"];
    private static readonly string[] SpecialInpatientDx = ["A15.0", "F20.9", "B18.1"];

    /// <summary>Permille of good claims followed by their reversal (冲销); half of those also by a corrected claim.</summary>
    private const int ReversalPermille = 4;
    /// <summary>One claim in this many is deliberately bad.</summary>
    private const int BadOneIn = 1000;

    private void WriteClaims(TextWriter w)
    {
        w.Write(ClaimsHeader);
        w.Write('\n');
        long remaining = _o.Claims;
        while (remaining > 0)
        {
            int idx = PickPerson();
            var p = PersonModel.Derive(_o.Seed, idx, _o);
            var c = BuildClaim(p);
            if (_rng.Below(BadOneIn) == 0)
            {
                var kind = (BadRowKind)_rng.Below(GenerateStats.BadKinds);
                WriteClaim(w, c, kind);
                _stats.Bad[(int)kind]++;
                remaining--;
                continue;
            }
            WriteClaim(w, c, null);
            remaining--;
            if (remaining > 0 && _rng.Permille(ReversalPermille))
            {
                var r = c;
                r.Seq = _nextSeq++;
                r.ReversalOf = c.Seq;
                r.MedFee = -c.MedFee;
                r.FullOwnPay = -c.FullOwnPay;
                r.OverLimit = -c.OverLimit;
                r.PreSelfPay = -c.PreSelfPay;
                r.InScope = -c.InScope;
                WriteClaim(w, r, null);
                _stats.Reversals++;
                remaining--;
                if (remaining > 0 && _rng.Below(2) == 0)
                {
                    // The corrected claim that replaces the reversed one: same care, amended amounts.
                    var s = c;
                    s.Seq = _nextSeq++;
                    s.MedFee = Math.Max(1, c.MedFee * _rng.Between(8_000, 10_000) / 10_000);
                    AmountModel.Split(ref _rng, ref s, IsOutpatient(s.MedType));
                    WriteClaim(w, s, null);
                    _stats.Resubmissions++;
                    remaining--;
                }
            }
        }
    }

    /// <summary>Uniform over all persons, plus a share of claims concentrated on the heavy users.</summary>
    private int PickPerson()
    {
        int n = _o.Persons;
        int heavyCount = n > PersonModel.HeavyOffset ? ((n - PersonModel.HeavyOffset - 1) / PersonModel.HeavyStride) + 1 : 0;
        if (heavyCount > 0 && _rng.Below(100) < 12)
        {
            return (_rng.Below(heavyCount) * PersonModel.HeavyStride) + PersonModel.HeavyOffset;
        }
        // Most people claim rarely or never: accept a drawn person by their frequency class (bounded retries, so a
        // tiny population still terminates).
        for (int attempt = 0; ; attempt++)
        {
            int i = _rng.Below(n);
            int acceptPermille = PersonModel.FrequencyClass(_o.Seed, i) switch { 0 => 0, 1 => 250, _ => 1000 };
            if (attempt >= 16 || _rng.Below(1000) < acceptPermille) return i;
        }
    }

    private static bool IsOutpatient(string medType) => medType is "11" or "9901" or "51" or "53";

    private ClaimRow BuildClaim(in PersonFacts p)
    {
        ref var rng = ref _rng;
        var c = new ClaimRow
        {
            Seq = _nextSeq++,
            PersonIndex = p.Index,
            Region = p.Region,
            Employee = p.Employee,
            BedDays = -1,
            ReversalOf = -1,
            End = PersonModel.RandomDay(ref rng, _o.MonthStart, _o.MonthEnd),
        };
        int age = p.AgeOn(c.End);
        int mt = ChooseMedType(ref rng, p, age);
        c.MedType = MedTypeCodes[mt];

        // Special disease and diagnosis.
        int minBucket = 0;
        bool specialtyFacility = false;
        switch (mt)
        {
            case TwoDis:
                c.SpecialDisease = p.TwoDiseases == 1 ? "hypertension" : "diabetes";
                c.Diagnosis = p.TwoDiseases == 1 ? "I10" : "E11.9";
                break;
            case Chronic:
                c.SpecialDisease = ChronicCodes.Cells[p.Chronic];
                c.Diagnosis = ChronicCodes.Diagnoses[p.Chronic];
                break;
            case Inpat when age <= 14 && rng.Below(100) < 10:
                c.SpecialDisease = "child_major";
                c.Diagnosis = ChildMajorDx[rng.Below(ChildMajorDx.Length)];
                minBucket = 2;
                break;
            case Inpat when rng.Below(100) < 5:
                int k = rng.Below(SpecialInpatient.Length);
                c.SpecialDisease = SpecialInpatient[k];
                c.Diagnosis = SpecialInpatientDx[k];
                specialtyFacility = rng.Below(100) < 80;
                break;
            case Inpat:
                c.Diagnosis = InpatientDx[rng.Below(InpatientDx.Length)];
                break;
            case Emerg:
                c.Diagnosis = EmergencyDx[rng.Below(EmergencyDx.Length)];
                break;
            case MatOp:
                c.Diagnosis = "Z34.9";
                break;
            case MatIp:
                c.Diagnosis = rng.Below(100) < 65 ? "O80.0" : "O82.0";
                break;
            case FamPlan:
                c.Diagnosis = rng.Below(2) == 0 ? "Z30.2" : "Z30.1";
                break;
            default:
                // Some outpatient rows come without a diagnosis, as real feeds do.
                c.Diagnosis = rng.Below(100) < 90 ? OutpatientDx[rng.Below(OutpatientDx.Length)] : null;
                break;
        }

        // Setting and facility.
        bool inpatientLike = mt is Inpat or MatIp or Emerg;
        int s = rng.Pick(mt == Chronic ? ChronicSettingWeights : inpatientLike ? InpatientSettingWeights : OutpatientSettingWeights);
        c.Setting = Settings[s];
        if (s == 0)
        {
            c.FacilityArea = Codes.Admdvs(p.Region);
            c.InProvince = true;
            c.FacilityCombo = specialtyFacility
                ? Facilities.SpecialtyCombos[rng.Below(Facilities.SpecialtyCombos.Length)]
                : rng.Pick(inpatientLike || mt == Chronic ? Facilities.InpatientWeights : Facilities.OutpatientWeights);
        }
        else
        {
            c.InProvince = rng.Below(100) < 60;
            c.FacilityArea = c.InProvince
                ? (rng.Below(4) == 0 ? Codes.Admdvs(p.Region == Region.Benxi ? Region.Yingkou : Region.Benxi)
                    : Facilities.InProvinceAreas[rng.Below(Facilities.InProvinceAreas.Length)])
                : Facilities.OutOfProvinceAreas[rng.Below(Facilities.OutOfProvinceAreas.Length)];
            c.FacilityCombo = specialtyFacility
                ? Facilities.SpecialtyCombos[rng.Below(Facilities.SpecialtyCombos.Length)]
                : rng.Pick(Facilities.RemoteWeights);
        }
        c.FacilityNo = rng.Below(Facilities.PerCombo);

        // Flags.
        bool emergency = mt == Emerg || s == 4 || (mt == Inpat && rng.Below(100) < 8);
        c.Designated = !rng.Permille(emergency ? 50 : 5);
        if (inpatientLike)
        {
            c.Emergency = emergency;
            c.Approved = s == 2 ? rng.Below(100) < 95 : mt == MatIp && s != 0 && rng.Below(2) == 0;
        }
        if (mt == Inpat && s == 0 && rng.Below(100) < 4)
        {
            string own = Facilities.Levels[c.FacilityCombo];
            string from = LevelCodes[rng.Below(LevelCodes.Length)];
            c.TransferFromLv = from == own ? (own == "1" ? "2" : "1") : from;
        }
        int exclPermille = mt switch { Inpat or Emerg => 20, Op => 2, _ => 0 };
        if (exclPermille > 0 && rng.Permille(exclPermille))
        {
            c.Exclusion = Exclusions[rng.Below(Exclusions.Length)];
        }

        // Amounts, then the stay: a big bill means a long stay.
        c.MedFee = AmountModel.MedFee(ref rng, mt, minBucket);
        AmountModel.Split(ref rng, ref c, IsOutpatient(c.MedType) || mt == TwoDis);
        switch (mt)
        {
            case Inpat:
                int bucket = rng.Pick([350, 450, 150, 50]);
                int days = bucket switch
                {
                    0 => (int)rng.Between(1, 5),
                    1 => (int)rng.Between(6, 14),
                    2 => (int)rng.Between(15, 30),
                    _ => (int)rng.Between(31, 90),
                };
                if (c.MedFee > 100_000_00) days = Math.Max(days, (int)rng.Between(10, 60));
                c.BedDays = days;
                c.Begin = c.End.AddDays(-days);
                break;
            case MatIp:
                c.BedDays = (int)rng.Between(2, 7);
                c.Begin = c.End.AddDays(-c.BedDays);
                break;
            case Emerg:
                c.Begin = c.End.AddDays(-rng.Below(3));
                break;
            default:
                c.Begin = c.End;
                break;
        }
        return c;
    }

    private static int ChooseMedType(ref Xoshiro256 rng, in PersonFacts p, int age)
    {
        if (p.Chronic >= 0 && rng.Below(100) < (p.Heavy ? 60 : 40)) return Chronic;
        if (p.TwoDiseases > 0 && rng.Below(100) < 35) return TwoDis; // monthly drug refills
        int mt = rng.Pick(MedTypeWeights);
        bool childbearing = age is >= 18 and <= 45;
        return mt switch
        {
            TwoDis when p.TwoDiseases == 0 => Op,
            Chronic when p.Chronic < 0 => Op,
            MatOp or FamPlan when !childbearing => Op,
            MatIp when !childbearing => Inpat,
            _ => mt,
        };
    }
}
