using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BatchSettle.Dashboard;

/// <summary>
/// HTTP Basic against <see cref="DashboardOptions.Users"/>. Basic because browsers, curl, Playwright and
/// <c>EventSource</c> all speak it with no login page to build; run behind TLS anywhere but a laptop. With no users
/// configured every request is an anonymous viewer, so the demo opens without a password and nobody can act.
/// </summary>
internal sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<DashboardOptions> dashboard)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, logger, encoder)
{
    public const string SchemeName = "BatchSettleBasic";
    public const string Anonymous = "anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var users = dashboard.CurrentValue.Users;
        if (users.Count == 0)
        {
            return Task.FromResult(Success(Anonymous, DashboardRoles.Viewer));
        }

        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
        }

        var name = decoded[..colon];
        var password = decoded[(colon + 1)..];
        foreach (var user in users)
        {
            if (user.Name == name && DashboardRoles.IsKnown(user.Role) && PasswordCheck.Matches(user, password))
            {
                return Task.FromResult(Success(user.Name, user.Role));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("unknown user or wrong password"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"BatchSettle\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private static AuthenticateResult Success(string name, string role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
