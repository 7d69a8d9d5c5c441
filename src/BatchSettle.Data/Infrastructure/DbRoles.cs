namespace BatchSettle.Data.Infrastructure;

/// <summary>
/// The two database roles (sql/051_least_privilege.sql; README "Security"): the owner, which owns the schema and runs
/// the migrations, and the runtime role the product works as. Names from the environment, defaults below.
/// </summary>
public static class DbRoles
{
    public const string OwnerEnvVar = "BATCHSETTLE_DB_OWNER_ROLE";
    public const string RuntimeEnvVar = "BATCHSETTLE_DB_RUNTIME_ROLE";

    public static string Owner => Get(OwnerEnvVar, "batchsettle_owner");

    public static string Runtime => Get(RuntimeEnvVar, "batchsettle_app");

    private static string Get(string env, string fallback) =>
        Environment.GetEnvironmentVariable(env) is { Length: > 0 } v ? v : fallback;
}
