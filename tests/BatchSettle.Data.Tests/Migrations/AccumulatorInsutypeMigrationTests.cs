using BatchSettle.Data.Migrations;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Migrations;

/// <summary>
/// Migration 070 (POLICY EL-01 two rows in one year): accumulators stored under the old key (psn_no, year) get the
/// insutype of the person's registry row of that year, of the next year for a student's previous-autumn year, '390'
/// without either; a person-year whose registry has both insutypes is copied to both (its totals had been mixed).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccumulatorInsutypeMigrationTests(PostgresFixture pg)
{
    [Fact]
    [Trait("Rule", "EL-01")]
    public async Task Migrate070_BackfillsTheInsutypeOfStoredAccumulators()
    {
        // The schema as shipped before 070: a copy of sql/ without it.
        string sql = SqlLocator.Find();
        string before = Path.Combine(Path.GetTempPath(), "bs-sql-pre070-" + Guid.NewGuid().ToString("N")[..8]);
        CopyDirectory(sql, before);
        File.Delete(Path.Combine(before, "070_accumulator_insutype.sql"));
        try
        {
            var name = $"m070_{Guid.NewGuid().ToString("N")[..8]}";
            await pg.Cluster.CreateDatabaseAsync(name);
            await using var ds = BatchSettle.Data.Infrastructure.BatchSettleDatabase.CreateDataSource(pg.Cluster.ConnectionString(name), "m070");
            await new MigrationRunner(ds, before).MigrateAsync();

            using var data = new TestData();
            var persons = data.Write("persons.csv", TestData.PersonsHeader,
            [
                TestData.Person("TWO"),                   // 390 and 310 rows of 2025
                TestData.Person("TWO", insutype: "310"),
                TestData.Person("EMP", insutype: "310"),  // 310 only
                TestData.Person("STU"),                   // a 2025 row only: its 2024 accumulators (previous autumn)
            ]);
            await new StagingLoader(ds, TimeProvider.System).LoadPersonsAsync(persons);
            await using (var conn = await ds.OpenConnectionAsync())
            {
                await conn.ExecuteAsync(
                    """
                    INSERT INTO accumulator (psn_no, year, acc, run_id) VALUES
                      ('TWO', 2025, '{1,1}', 1), ('EMP', 2025, '{2,1}', 1), ('STU', 2024, '{3,1}', 1), ('NOROW', 2025, '{4}', 1)
                    """);
            }

            await new MigrationRunner(ds, sql).MigrateAsync();

            await using var c2 = await ds.OpenConnectionAsync();
            var rows = (await c2.QueryAsync<(string Psn, int Year, string Insutype, long[] Acc)>(
                "SELECT psn_no, year, insutype, acc FROM accumulator ORDER BY psn_no, year, insutype")).ToList();
            Assert.Equal(
                [
                    ("EMP", 2025, "310", "2,1"),
                    ("NOROW", 2025, "390", "4"),
                    ("STU", 2024, "390", "3,1"),
                    ("TWO", 2025, "310", "1,1"),
                    ("TWO", 2025, "390", "1,1"),
                ],
                rows.Select(r => (r.Psn, r.Year, r.Insutype, string.Join(',', r.Acc))));
            // The new key: a second row of another insutype is allowed, a duplicate is not.
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => c2.ExecuteAsync(
                "INSERT INTO accumulator (psn_no, year, insutype, acc, run_id) VALUES ('EMP', 2025, '310', '{}', 2)"));
        }
        finally
        {
            Directory.Delete(before, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
