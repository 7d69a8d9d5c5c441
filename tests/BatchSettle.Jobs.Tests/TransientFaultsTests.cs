using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace BatchSettle.Jobs.Tests;

public sealed class TransientFaultsTests
{
    [Fact]
    public void IsTransient_ConnectionLost_True() =>
        Assert.True(TransientFaults.IsTransient(new NpgsqlException("Exception while reading from stream", new IOException("eof"))));

    [Fact]
    public void IsTransient_SocketRefused_True() =>
        Assert.True(TransientFaults.IsTransient(new SocketException((int)SocketError.ConnectionRefused)));

    [Theory]
    [InlineData("57P01")] // admin_shutdown: pg_ctl restart ended the session
    [InlineData("57P03")] // cannot_connect_now: the server is starting
    [InlineData("40001")] // serialization_failure
    [InlineData("08006")] // connection_failure
    public void IsTransient_ServerGoingAwayOrConflict_True(string sqlState) =>
        Assert.True(TransientFaults.IsTransient(new PostgresException("x", "FATAL", "FATAL", sqlState)));

    [Theory]
    [InlineData("23505")] // unique_violation: a bug, not weather
    [InlineData("42P01")] // undefined_table: schema not migrated
    public void IsTransient_LogicErrors_False(string sqlState) =>
        Assert.False(TransientFaults.IsTransient(new PostgresException("x", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void IsTransient_Cancellation_FalseEvenWhenWrappingIo() =>
        Assert.False(TransientFaults.IsTransient(new OperationCanceledException("stop", new IOException("eof"))));
}
