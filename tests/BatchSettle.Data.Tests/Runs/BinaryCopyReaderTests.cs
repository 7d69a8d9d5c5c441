using BatchSettle.Data.Runs;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>The hand-written binary COPY reader decodes exactly what Npgsql's exporter decodes, on the same stream.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BinaryCopyReaderTests(PostgresFixture pg)
{
    private const string Select =
        "COPY (SELECT id, t, c, n, d, b, i FROM copy_probe ORDER BY id) TO STDOUT (FORMAT BINARY)";

    private static async Task<NpgsqlDataSource> ProbeAsync(PostgresFixture pg)
    {
        var ds = await pg.NewDatabaseAsync();
        await using var c = await ds.OpenConnectionAsync();
        await c.ExecuteAsync(
            """
            CREATE TABLE copy_probe (id bigint, t text, c text, n numeric, d date, b bool, i int);
            INSERT INTO copy_probe VALUES
              (1, 'S-1', '210500', 100.00, '2025-03-05', true, 7),
              (2, '患者 ü', '210800', 0, '1999-12-31', false, -1),
              (3, NULL, NULL, -12345.67, '2000-01-01', NULL, NULL),
              (4, '', '210500', 100.005, '2025-02-28', true, 0),
              (5, repeat('x', 300000), '210800', 99999999999.99, '2100-12-31', false, 2147483647),
              (6, 'S-6', '210500', 0.01, '1970-01-01', true, -2147483648),
              (7, 'S-7', 'one more', 10000, '2025-12-31', true, 1),
              (8, 'S-8', '210500', 123456789.1, '2025-01-01', false, 2),
              (9, 'S-9', '210500', -0.5, '2025-01-01', false, 3);
            """);
        return ds;
    }

    [Fact]
    public async Task Decode_SameValuesAsNpgsqlExporter()
    {
        await using var ds = await ProbeAsync(pg);
        await using var c1 = await ds.OpenConnectionAsync();
        await using var c2 = await ds.OpenConnectionAsync();
        var expected = new List<object?[]>();
        using (var e = await c1.BeginBinaryExportAsync(Select))
        {
            while (await e.StartRowAsync() >= 0)
            {
                expected.Add(
                [
                    e.Read<long>(NpgsqlDbType.Bigint),
                    e.IsNull ? Skip(e) : e.Read<string>(NpgsqlDbType.Text),
                    e.IsNull ? Skip(e) : e.Read<string>(NpgsqlDbType.Text),
                    e.Read<decimal>(NpgsqlDbType.Numeric),
                    e.Read<DateOnly>(NpgsqlDbType.Date),
                    e.IsNull ? Skip(e) : e.Read<bool>(NpgsqlDbType.Boolean),
                    e.IsNull ? Skip(e) : e.Read<int>(NpgsqlDbType.Integer),
                ]);
            }
        }

        var actual = new List<object?[]>();
        using (var r = new BinaryCopyReader(c2, Select))
        {
            while (r.NextRow())
            {
                Assert.Equal(7, r.FieldCount);
                actual.Add([r.Int64(), r.NullableText(), r.NullableCode(0), r.Numeric(), r.Date(), r.NullableBool(), r.NullableInt32()]);
            }
            Assert.False(r.NextRow());
        }

        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
            // Same scale too, not only the same value: messages print amounts as given (100.00 stays 100.00).
            Assert.Equal(((decimal)expected[i][3]!).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ((decimal)actual[i][3]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Code_RepeatedValues_SameStringInstance()
    {
        await using var ds = await ProbeAsync(pg);
        await using var c = await ds.OpenConnectionAsync();
        var codes = new List<string?>();
        using (var r = new BinaryCopyReader(c, Select))
        {
            while (r.NextRow())
            {
                r.Int64();
                r.NullableText();
                codes.Add(r.NullableCode(0));
            }
        }

        var b = codes.Where(x => x == "210500").ToList();
        Assert.Equal(5, b.Count);
        Assert.All(b, x => Assert.Same(b[0], x));
    }

    [Fact]
    public async Task ReadPastTheRow_FormatException()
    {
        await using var ds = await ProbeAsync(pg);
        await using var c = await ds.OpenConnectionAsync();
        using var r = new BinaryCopyReader(c, "COPY (SELECT 1::bigint) TO STDOUT (FORMAT BINARY)");
        Assert.True(r.NextRow());
        Assert.Equal(1, r.Int64());
        Assert.Throws<FormatException>(() => r.Int64());
        Assert.False(r.NextRow());
    }

    [Fact]
    public async Task Int64ArrayAndNullableDate_SameValuesAsNpgsqlExporter_AndBadArraysRefused()
    {
        // The accumulator stream's acc (trailing zero slots left out, so any length, '{}' included) and the registry
        // stream's nullable dates, as the partition reader decodes them since the registry and accumulator cursors
        // moved off NpgsqlBinaryExporter.
        const string sql =
            """
            COPY (SELECT * FROM (VALUES
              (1, '{1,2,3}'::bigint[], DATE '2025-03-05'),
              (2, '{}'::bigint[], NULL::date),
              (3, NULL::bigint[], DATE '1999-12-31'),
              (4, ARRAY[-9223372036854775808, 0, 9223372036854775807]::bigint[], DATE '2000-01-01'),
              (5, array_fill(7::bigint, ARRAY[45]), NULL)) v(id, a, d) ORDER BY id) TO STDOUT (FORMAT BINARY)
            """;
        await using var ds = await pg.NewDatabaseAsync();
        await using var c1 = await ds.OpenConnectionAsync();
        await using var c2 = await ds.OpenConnectionAsync();
        var expected = new List<(long[]? A, DateOnly? D)>();
        using (var e = await c1.BeginBinaryExportAsync(sql))
        {
            while (await e.StartRowAsync() >= 0)
            {
                e.Skip();
                long[]? a = e.IsNull ? (long[]?)Skip(e) : e.Read<long[]>(NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                DateOnly? d = e.IsNull ? (DateOnly?)Skip(e) : e.Read<DateOnly>(NpgsqlDbType.Date);
                expected.Add((a, d));
            }
        }

        using (var r = new BinaryCopyReader(c2, sql))
        {
            int row = 0;
            while (r.NextRow())
            {
                var (a, d) = expected[row++];
                r.Int32();
                var into = new long[40];
                Array.Fill(into, -1L);
                if (r.SkipNull())
                {
                    Assert.Null(a);
                    Assert.All(into, x => Assert.Equal(-1L, x));
                }
                else
                {
                    r.Int64Array(into);
                    // The array's elements in order, up to the span's length; slots past the array's are left as they were.
                    Assert.Equal(a!.Take(40), into.Take(a!.Length));
                    Assert.All(into.Skip(a!.Length), x => Assert.Equal(-1L, x));
                }
                Assert.Equal(d, r.NullableDate());
            }
            Assert.Equal(expected.Count, row);
        }

        // A null element and a two-dimensional array are refused, not read as zeros.
        foreach (var bad in new[] { "'{1,NULL,3}'::bigint[]", "'{{1,2},{3,4}}'::bigint[]", "'{1,2}'::int[]" })
        {
            using var r = new BinaryCopyReader(c2, $"COPY (SELECT {bad}) TO STDOUT (FORMAT BINARY)");
            Assert.True(r.NextRow());
            Assert.Throws<FormatException>(() => r.Int64Array(new long[4]));
        }
    }

    private static object? Skip(NpgsqlBinaryExporter e)
    {
        e.Skip();
        return null;
    }
}
