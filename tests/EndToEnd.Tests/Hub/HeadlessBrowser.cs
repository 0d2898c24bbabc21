using Microsoft.Playwright;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>
/// Debian's chromium (/usr/bin/chromium), headless, driven by Playwright: no browser is downloaded and the pages
/// reach nothing but the hub under test on loopback.
/// </summary>
internal sealed class HeadlessBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<HeadlessBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return new HeadlessBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page in a fresh context (its own session storage) of the given size, Playwright's waits at 30 s.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, string? origin = null, params string[] permissions)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        if (permissions.Length > 0)
        {
            await context.GrantPermissionsAsync(permissions, new BrowserContextGrantPermissionsOptions { Origin = origin });
        }

        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return page;
    }

    /// <summary>Script errors and console errors of the page from now on (a refused script, a Content-Security-Policy violation, an exception).</summary>
    public static List<string> ErrorsOf(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }

    /// <summary>The whole page as a PNG under artifacts/screenshots/ (git-ignored), to look at after a run.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.Folder("screenshots"), name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
