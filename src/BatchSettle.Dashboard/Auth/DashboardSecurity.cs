using System.Net;
using Microsoft.AspNetCore.HostFiltering;

namespace BatchSettle.Dashboard;

/// <summary>
/// What the dashboard checks before it starts and on every request: users configured (or an explicit insecure mode on
/// loopback), no plaintext password unless allowed for development, hashes strong enough; the Host header against the
/// allowed hosts; security headers on every response.
/// </summary>
public static class DashboardSecurity
{
    /// <summary>Always allowed as Host: a DNS-rebinding page cannot make the browser send these for its own origin.</summary>
    public static readonly IReadOnlyList<string> LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// Refuses a configuration the dashboard must not start with; the message names the setting to change.
    /// <paramref name="urls"/> are the addresses it will listen on (semicolon-separated, as <c>--urls</c>).
    /// </summary>
    public static void Validate(DashboardOptions options, string urls)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        if (options.Users.Count == 0)
        {
            if (!options.InsecureNoAuth)
            {
                throw new InvalidOperationException(
                    "no dashboard users are configured: set Dashboard:Users:0:Name, Dashboard:Users:0:PasswordHash (make one with " +
                    "`batchsettle dashboard --hash-password`) and Dashboard:Users:0:Role (viewer or operator) — as environment " +
                    "variables Dashboard__Users__0__Name etc. — or, on a loopback address only, start with --insecure-no-auth " +
                    "(Dashboard:InsecureNoAuth=true)");
            }

            var exposed = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u)).ToList();
            if (exposed.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Dashboard:InsecureNoAuth is allowed on loopback addresses only, not on {string.Join(", ", exposed)}: configure Dashboard:Users instead");
            }

            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            var at = $"Dashboard:Users:{i}";
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{at}:Name is empty or contains ':'");
            }

            if (!names.Add(user.Name))
            {
                throw new InvalidOperationException($"{at}:Name '{user.Name}' is configured twice");
            }

            if (!DashboardRoles.IsKnown(user.Role))
            {
                throw new InvalidOperationException($"{at}:Role of '{user.Name}' is '{user.Role}': use viewer, operator or finance");
            }

            if (!string.IsNullOrEmpty(user.PasswordHash))
            {
                if (!PasswordCheck.IsAcceptable(user.PasswordHash, out var problem))
                {
                    throw new InvalidOperationException(
                        $"{at}:PasswordHash of '{user.Name}' is refused ({problem}): make a new one with `batchsettle dashboard --hash-password`");
                }
            }
            else if (string.IsNullOrEmpty(user.Password))
            {
                throw new InvalidOperationException($"{at} ('{user.Name}') has no PasswordHash");
            }
            else if (!options.AllowPlaintextPasswords)
            {
                throw new InvalidOperationException(
                    $"{at}:Password of '{user.Name}' is a plaintext password: configure {at}:PasswordHash instead (make one with " +
                    "`batchsettle dashboard --hash-password`), or set Dashboard:AllowPlaintextPasswords=true for development only");
            }
        }
    }

    /// <summary>Whether a listen URL binds a loopback address only (<c>localhost</c>, 127.x, ::1).</summary>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>ASP.NET Core's host filtering, with <see cref="DashboardOptions.AllowedHosts"/> plus the loopback names.</summary>
    internal static void ConfigureHostFiltering(HostFilteringOptions filtering, DashboardOptions options)
    {
        var hosts = options.AllowedHosts
            .SelectMany(h => h.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        filtering.AllowedHosts = hosts.Contains("*") ? ["*"] : [.. hosts.Concat(LoopbackHosts).Distinct(StringComparer.OrdinalIgnoreCase)];
        filtering.AllowEmptyHosts = false;
        filtering.IncludeFailureMessage = false;
    }
}

/// <summary>
/// Headers on every response of the site (our pages and API, Hangfire's pages, errors): no MIME sniffing, nothing
/// stored by a cache, no Referer sent onwards, not framed. The pages add their Content-Security-Policy themselves.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
