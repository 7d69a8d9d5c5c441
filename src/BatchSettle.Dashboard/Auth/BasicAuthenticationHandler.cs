using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// HTTP Basic against <see cref="DashboardOptions.Users"/>. Basic because browsers, curl, Playwright and
/// <c>EventSource</c> all speak it with no login page to build; run behind TLS anywhere but a laptop. With no users
/// (only allowed with <see cref="DashboardOptions.InsecureNoAuth"/> on loopback) every request is an anonymous viewer.
/// A failed login costs the same whether or not the name exists (every user compared, one PBKDF2 either way), is
/// counted by <see cref="LoginThrottle"/> and written to the audit trail; a locked-out name or address gets 429.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<DashboardOptions> dashboard,
    LoginThrottle throttle,
    VerifiedLogins verified,
    DashboardStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "BatchSettleBasic";
    public const string Anonymous = "anonymous";
    public const string LoginAction = "login";

    private const string RetryAfterKey = "BatchSettle.LockedOutFor";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = dashboard.CurrentValue;
        var users = options.Users;
        if (users.Count == 0)
        {
            return Success(Anonymous, DashboardRoles.Viewer);
        }

        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return AuthenticateResult.NoResult();
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return AuthenticateResult.Fail("malformed Basic credentials");
        }

        var name = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var address = Context.Connection.RemoteIpAddress;
        var verdict = throttle.Check(name, address);
        if (verdict.LockedOut)
        {
            Context.Items[RetryAfterKey] = verdict.RetryAfter;
            if (verdict.FirstRefusal)
            {
                await AuditAsync(name, $"refused: locked out after too many failed logins (from {address}); retry in {Seconds(verdict.RetryAfter)} s");
            }

            return AuthenticateResult.Fail("locked out");
        }

        if (verified.IsFresh(name, password))
        {
            return Success(name, verified.RoleOf(name)!);
        }

        var user = Find(await WithUpgradedHashesAsync(users), name, password, options.AllowPlaintextPasswords);
        if (user is not null)
        {
            throttle.Succeeded(name);
            verified.Remember(user.Name, user.Role, password);
            if (user.PasswordHash is { Length: > 0 } weak && PasswordCheck.NeedsUpgrade(weak))
            {
                await UpgradeAsync(user.Name, weak, password);
            }

            return Success(user.Name, user.Role);
        }

        bool lockedNow = throttle.Failed(name, address);
        await AuditAsync(name, lockedNow
            ? $"refused: unknown user or wrong password (from {address}); now locked out for {Seconds(options.Login.Lockout)} s"
            : $"refused: unknown user or wrong password (from {address})");
        return AuthenticateResult.Fail("unknown user or wrong password");
    }

    /// <summary>
    /// The user whose name and password match, comparing with every configured user (no early exit) and running exactly
    /// one PBKDF2 whatever the name: the user's hash, or <see cref="PasswordCheck.DummyHash"/> for an unknown name.
    /// </summary>
    internal static DashboardUserOptions? Find(IReadOnlyList<DashboardUserOptions> users, string name, string password, bool allowPlaintext)
    {
        var given = Encoding.UTF8.GetBytes(name);
        DashboardUserOptions? found = null;
        foreach (var user in users)
        {
            bool same = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(user.Name), given);
            if (same && found is null)
            {
                found = user;
            }
        }

        bool hashed = found is not null && !string.IsNullOrEmpty(found.PasswordHash);
        bool matches = PasswordCheck.MatchesHash(hashed ? found!.PasswordHash! : PasswordCheck.DummyHash, password) && hashed;
        if (!hashed && found is not null && allowPlaintext && !string.IsNullOrEmpty(found.Password))
        {
            matches = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(found.Password), Encoding.UTF8.GetBytes(password));
        }

        return matches && found is not null && DashboardRoles.IsKnown(found.Role) ? found : null;
    }

    /// <summary>
    /// The configured users with each upgraded hash (migration 093) in place of the configured one it replaced — read for
    /// every login attempt whatever the name, so the lookup says nothing about which names exist. Without the database
    /// the configured hashes are used (an upgraded user then logs in with the old hash, which still matches).
    /// </summary>
    private async Task<IReadOnlyList<DashboardUserOptions>> WithUpgradedHashesAsync(IReadOnlyList<DashboardUserOptions> users)
    {
        IReadOnlyDictionary<string, (string ConfiguredHash, string PasswordHash)> upgraded;
        try
        {
            upgraded = await store.UpgradedHashesAsync(Context.RequestAborted);
        }
        catch (Npgsql.NpgsqlException)
        {
            return users;
        }

        if (upgraded.Count == 0) return users;
        return users.Select(u => upgraded.TryGetValue(u.Name, out var up) && up.ConfiguredHash == u.PasswordHash
            ? new DashboardUserOptions { Name = u.Name, PasswordHash = up.PasswordHash, Role = u.Role }
            : u).ToList();
    }

    /// <summary>Re-hashes a weak configured hash at <see cref="PasswordCheck.Iterations"/> after a correct login; audited.</summary>
    private async Task UpgradeAsync(string name, string configuredHash, string password)
    {
        try
        {
            await store.SaveUpgradedHashAsync(name, configuredHash, PasswordCheck.Hash(password), CancellationToken.None);
            await store.AuditAsync(name, "", "password_upgrade", $"{Request.Method} {Request.Path}",
                new ActionOutcome(true, string.Create(CultureInfo.InvariantCulture,
                    $"password hash upgraded from {PasswordCheck.IterationsOf(configuredHash):N0} to {PasswordCheck.Iterations:N0} PBKDF2 iterations on login")),
                CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            Logger.AuditFailed(ex);
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(RetryAfterKey, out var value) && value is TimeSpan retry)
        {
            // Not 401: a browser would prompt again, and the right password is refused during a lockout anyway.
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Seconds(retry);
            return Response.WriteAsync($"too many failed logins: try again in {Seconds(retry)} s");
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"BatchSettle\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private async Task AuditAsync(string name, string detail)
    {
        try
        {
            await store.AuditAsync(name.Length > 64 ? name[..64] : name, "", LoginAction, $"{Request.Method} {Request.Path}",
                new ActionOutcome(false, detail), CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            Logger.AuditFailed(ex);
        }
    }

    private static string Seconds(TimeSpan t) => Math.Ceiling(t.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static AuthenticateResult Success(string name, string role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

/// <summary>
/// Basic sends the password with every request, and a PBKDF2 at 600,000 iterations takes a good part of a second on a
/// small machine: a login verified once is remembered for a few minutes as an HMAC of name and password under a key
/// that lives only in this process, so the next request costs one HMAC. Only a correct password can hit it.
/// </summary>
internal sealed class VerifiedLogins(TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (byte[] Mac, string Role, DateTimeOffset Until)> logins = new(StringComparer.Ordinal);

    public bool IsFresh(string name, string password) =>
        logins.TryGetValue(name, out var e) && e.Until > clock.GetUtcNow() && CryptographicOperations.FixedTimeEquals(e.Mac, Mac(name, password));

    public string? RoleOf(string name) => logins.TryGetValue(name, out var e) ? e.Role : null;

    public void Remember(string name, string role, string password) => logins[name] = (Mac(name, password), role, clock.GetUtcNow() + Lifetime);

    private byte[] Mac(string name, string password) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(name + "\0" + password));
}
