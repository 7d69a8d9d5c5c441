using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Data.Migrations;

/// <summary>Finds the sql/ folder: next to the executable (copied there by the Worker build) or in the checkout.</summary>
public static class SqlLocator
{
    public static string Find()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "sql");
        if (Directory.Exists(beside)) return beside;
        string? root = Checkout.FindRoot();
        if (root is not null && Directory.Exists(Path.Combine(root, "sql"))) return Path.Combine(root, "sql");
        throw new InvalidOperationException($"sql/ folder not found next to {AppContext.BaseDirectory} or in a checkout");
    }
}
