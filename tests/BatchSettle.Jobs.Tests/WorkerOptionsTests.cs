using Microsoft.Extensions.Configuration;
using Xunit;

namespace BatchSettle.Jobs.Tests;

public sealed class WorkerOptionsTests
{
    private static WorkerOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new WorkerOptions();
        configuration.GetSection(WorkerOptions.SectionName).Bind(options);
        return options;
    }

    [Fact]
    public void Bind_Nothing_BothRegionsAt0200OnThe1stInShanghai()
    {
        var options = Bind();
        options.Validate();
        Assert.Equal(["210500", "210800"], options.Schedules.Keys.Order(StringComparer.Ordinal));
        Assert.All(options.Schedules.Values, s =>
        {
            Assert.True(s.Enabled);
            Assert.Equal("0 0 2 1 * ?", s.Cron);
            Assert.Equal("Asia/Shanghai", s.TimeZone);
        });
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), options.NodeId, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_OneRegionChangedOneSwitchedOff_OthersKeepDefaults()
    {
        var options = Bind(
            ("Worker:Schedules:210500:Cron", "0 30 3 2 * ?"),
            ("Worker:Schedules:210800:Enabled", "false"),
            ("Worker:Partitions", "4"),
            ("Worker:NodeId", "node-a"));
        options.Validate();
        Assert.Equal("0 30 3 2 * ?", options.Schedules["210500"].Cron);
        Assert.False(options.Schedules["210800"].Enabled);
        Assert.Equal(4, options.Partitions);
        Assert.Equal("node-a", options.NodeId);
    }

    [Fact]
    public void Validate_BadCron_NamesTheSetting()
    {
        var options = Bind(("Worker:Schedules:210500:Cron", "every month"));
        var ex = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Worker:Schedules:210500:Cron", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroPartitions_Refused()
    {
        var options = Bind(("Worker:Partitions", "0"));
        Assert.Throws<InvalidOperationException>(options.Validate);
    }
}
