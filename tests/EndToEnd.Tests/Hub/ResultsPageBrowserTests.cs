using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SmtpProbeHub.EndToEnd.Tests.Agents.Processes;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.EndToEnd.Tests.Hub;

/// <summary>
/// The results page (<c>/</c>) in a real browser against the built hub: a mail admin runs the KB test from the form and
/// reads the transcript, the waterfall and the comparison without touching JSON.
/// </summary>
public sealed partial class ResultsPageBrowserTests(PostfixInstance postfix) : IClassFixture<PostfixInstance>
{
    private const string Key = "results-page-key-3f9a";
    private static readonly PageGetByLabelOptions Exact = new() { Exact = true };

    [Fact]
    public async Task Form_RunsTheKbTestAgainstPostfix_ShowsTheTranscriptTheWaterfallAndTls_AndListsTheProbe()
    {
        // Postfix answers within a second, often before the page has read the probe: that the page follows a running
        // probe live is shown by the hostile-banner test, whose server holds its reply.
        await using var hub = await HubProcess.StartAsync();
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var errors = HeadlessBrowser.ErrorsOf(page);

        await page.GotoAsync(hub.BaseUrl + "/");
        // The built-in agent is listed by its zone, as the agents endpoint reports it.
        await Assertions.Expect(page.GetByLabel("hub (built into the hub)")).ToBeVisibleAsync();
        await page.GetByLabel("Server", Exact).FillAsync(postfix.Host);
        await page.GetByLabel("Port", Exact).FillAsync(postfix.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // From the keyboard: type the recipient and press Enter to submit.
        await page.GetByLabel("To (recipients)").FocusAsync();
        await page.Keyboard.TypeAsync(postfix.KnownRecipient);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page).ToHaveURLAsync(ProbeUrl());
        var run = page.Locator("section.run");
        await Assertions.Expect(run.Locator("h2 .badge")).ToHaveTextAsync("passed");
        var transcript = run.Locator(".transcript");
        await Assertions.Expect(transcript.Locator(".line.received").First).ToContainTextAsync(postfix.BannerMarker);
        await Assertions.Expect(transcript.Locator(".line.sent").First).ToContainTextAsync("EHLO test.com");
        await Assertions.Expect(transcript).ToContainTextAsync($"RCPT TO:<{postfix.KnownRecipient}>");
        await Assertions.Expect(transcript.Locator(".line.received", new() { HasText = "221" })).ToHaveCountAsync(1);
        // Default TLS is opportunistic: Postfix's snakeoil certificate is summarised.
        await Assertions.Expect(run.Locator("details.tls summary")).ToContainTextAsync("TLS: Tls");
        var waterfall = run.Locator(".waterfall .wf-row .wf-name");
        await Assertions.Expect(waterfall).ToHaveTextAsync(["resolve", "connect", "banner", "ehlo", "starttls", "mail", "rcpt", "data", "message", "quit"]);
        var bar = await run.Locator(".waterfall .wf-row.ok .bar").Last.BoundingBoxAsync();
        Assert.True(bar is { Width: >= 1 }, "the quit bar is drawn");
        await HeadlessBrowser.ScreenshotAsync(page, "results-page-postfix");

        // The probe is listed among the recent probes, and its link opens it again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Recent probes" }).ClickAsync();
        await page.GetByLabel("Verdict").SelectOptionAsync("passed");
        await page.GetByLabel("Server host").FillAsync(postfix.Host);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"#/probes\?verdict=passed&server=127\.0\.0\.1$"));
        await Assertions.Expect(page.Locator(".pager")).ToContainTextAsync("Page 1 of 1 (1 probes)");
        await page.Locator("table.probes tbody a").ClickAsync();
        await Assertions.Expect(page.Locator("section.run .transcript")).ToContainTextAsync(postfix.BannerMarker);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task HostileBanner_WithScriptAndMarkup_IsShownAsText_AndTheTranscriptArrivesWhileTheProbeRuns()
    {
        const string banner = """220 <script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> ESMTP hostile""";
        using var held = new ManualResetEventSlim();
        // Holding the RCPT reply keeps the probe running until the page has shown what came before: live, not at the end.
        await using var server = ScriptedSmtpServer.Start(s =>
        {
            s.Banner = ScriptedReply.Lines(banner);
            s.On("RCPT", _ =>
            {
                held.Wait(TimeSpan.FromSeconds(60));
                return ScriptedReply.Lines("550 5.1.1 <b>no such user</b>");
            });
        });
        await using var hub = await HubProcess.StartAsync();
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var errors = HeadlessBrowser.ErrorsOf(page);

        await page.GotoAsync(hub.BaseUrl + "/");
        await page.GetByLabel("To (recipients)").FillAsync("alice@corp.test");
        await page.GetByLabel("Server", Exact).FillAsync(server.Host);
        await page.GetByLabel("Port", Exact).FillAsync(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("TLS", Exact).SelectOptionAsync("none");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the test" }).ClickAsync();

        var run = page.Locator("section.run");
        var bannerLine = run.Locator(".transcript .line.received .text").First;
        await Assertions.Expect(bannerLine).ToHaveTextAsync(banner);
        await Assertions.Expect(run.Locator("h2 .badge")).ToHaveTextAsync("running");
        held.Set();
        await Assertions.Expect(run.Locator("h2 .badge")).ToHaveTextAsync("failed");
        await Assertions.Expect(run.Locator(".failed-step")).ToHaveTextAsync("rcpt");
        await Assertions.Expect(run.Locator(".transcript .line.refused .text")).ToHaveTextAsync("550 5.1.1 <b>no such user</b>");
        await Assertions.Expect(run.Locator(".waterfall .wf-row.rejected .wf-name")).ToHaveTextAsync("rcpt");

        Assert.Equal(0, await page.Locator("main script, main img, main b").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("typeof window.pwned"));
        Assert.Empty(errors);
        await HeadlessBrowser.ScreenshotAsync(page, "results-page-hostile-banner");
    }

    [Fact]
    public async Task TwoAgentProbe_ShowsBothVantagePointsSideBySide_TheComparison_AndCopiesThePlainTranscript()
    {
        await using var hub = await FleetHub.StartAsync();
        await using var inside = AgentProcess.Start(hub.GrpcUrl, "inside-1", "inside");
        // The outside agent keeps its own default target policy (no loopback, SMTP ports only): the hub cannot widen
        // it, so this vantage point cannot reach the test's Postfix, as a filtered path would not.
        await using var outside = AgentProcess.Start(hub.GrpcUrl, "outside-1", "outside", FleetHub.Token, agentId: null, allowLoopbackTargets: false);
        await hub.Client.WaitForAgentsOnlineAsync("inside-1", "outside-1");
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync(origin: hub.BaseUrl, permissions: ["clipboard-read", "clipboard-write"]);
        var errors = HeadlessBrowser.ErrorsOf(page);

        await page.GotoAsync(hub.BaseUrl + "/");
        await page.GetByLabel("Every online agent").CheckAsync();
        await page.GetByLabel("To (recipients)").FillAsync(postfix.KnownRecipient);
        await page.GetByLabel("Server", Exact).FillAsync(postfix.Host);
        await page.GetByLabel("Port", Exact).FillAsync(postfix.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the test" }).ClickAsync();

        var insideRun = page.GetByRole(AriaRole.Region, new() { Name = "inside-1, zone inside" });
        var outsideRun = page.GetByRole(AriaRole.Region, new() { Name = "outside-1, zone outside" });
        await Assertions.Expect(insideRun.Locator("h2 .badge")).ToHaveTextAsync("passed");
        await Assertions.Expect(outsideRun.Locator("h2 .badge")).ToHaveTextAsync("failed");
        await Assertions.Expect(insideRun.Locator(".transcript")).ToContainTextAsync(postfix.BannerMarker);
        await Assertions.Expect(outsideRun.Locator(".facts")).ToContainTextAsync("Hint");
        var comparison = page.Locator("section.comparison");
        await Assertions.Expect(comparison.Locator("h2")).ToHaveTextAsync("The vantage points differ");
        // The outside agent's own target policy refused loopback: the finding names the policy, not a firewall.
        await Assertions.Expect(comparison.Locator(".finding code")).ToHaveTextAsync(["policy.target_not_allowed"]);
        await Assertions.Expect(comparison).ToContainTextAsync("Next step:");
        // Side by side at 1280 px: the columns share a row.
        var left = await insideRun.BoundingBoxAsync();
        var right = await outsideRun.BoundingBoxAsync();
        Assert.True(left is not null && right is not null && Math.Abs(left.Y - right.Y) < 1 && left.X != right.X, "the two runs are side by side");
        await HeadlessBrowser.ScreenshotAsync(page, "results-page-two-agents");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy as text" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied the plain transcript.")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Contains("=== inside-1, zone inside: passed", copied, StringComparison.Ordinal);
        Assert.Contains("=== outside-1, zone outside: failed", copied, StringComparison.Ordinal);
        Assert.Contains($"< 220 ", copied, StringComparison.Ordinal);
        Assert.Contains("Comparison: the vantage points differ.", copied, StringComparison.Ordinal);

        // A phone's width: one column, nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        left = await insideRun.BoundingBoxAsync();
        right = await outsideRun.BoundingBoxAsync();
        Assert.True(left is not null && right is not null && right.Y > left.Y, "the runs are stacked");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scrolling at 390 px");
        await HeadlessBrowser.ScreenshotAsync(page, "results-page-two-agents-phone");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ConfirmDelivery_FromTheForm_ShowsTheReturningDsnAsDelivered_WithItsReporterAndLatency()
    {
        // The KB's advanced test, closed: the hub's return-path receiver on a port of its choosing, and a Postfix that
        // routes the return domain to it, so the success DSN Postfix sends comes back to the hub.
        await using var hub = await HubProcess.StartAsync("--Hub:Returns:Domain=returns.test", "--Hub:Returns:Listen=127.0.0.1:0");
        var listening = await hub.Process.WaitForLineAsync(line => line.Contains("Return-path receiver for returns.test listening on", StringComparison.Ordinal));
        var receiverPort = ReceiverPort().Match(listening.Text).Groups[1].Value;
        await using var mx = await PostfixInstance.StartAsync(new PostfixOptions
        {
            LocalUsers = ["alice", "bob", "postmaster"],
            Settings = new Dictionary<string, string> { ["transport_maps"] = $"inline:{{ {{returns.test = smtp:[127.0.0.1]:{receiverPort}}} }}" },
        });
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var errors = HeadlessBrowser.ErrorsOf(page);

        await page.GotoAsync(hub.BaseUrl + "/");
        await Assertions.Expect(page.GetByLabel("hub (built into the hub)")).ToBeVisibleAsync();
        await page.GetByLabel("Server", Exact).FillAsync(mx.Host);
        await page.GetByLabel("Port", Exact).FillAsync(mx.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("To (recipients)").FillAsync(mx.KnownRecipient);
        await page.GetByLabel("Confirm delivery (the KB's advanced test)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the test" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(ProbeUrl());
        var delivery = page.Locator("section.run section.delivery");
        await Assertions.Expect(delivery.Locator("h3 .badge")).ToHaveTextAsync("delivered");
        await Assertions.Expect(delivery.Locator("dt")).ToHaveTextAsync([mx.KnownRecipient]);
        await Assertions.Expect(delivery.Locator("dd")).ToContainTextAsync(new Regex(@"delivered 2\.\d\.\d, after [\d.]+ m?s, reported by mx\.corp\.test"));
        // What went out: the hub's own return address as MAIL FROM, so the report could come back.
        await Assertions.Expect(page.Locator("section.run .transcript")).ToContainTextAsync(new Regex(@"MAIL FROM:<probe\+[0-9a-f.-]+@returns\.test>"));
        await HeadlessBrowser.ScreenshotAsync(page, "results-page-delivery");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task WithApiKeys_ThePageAsksForTheKeyOnce_AndSendsItWithEveryCall()
    {
        await using var hub = await HubProcess.StartAsync($"--Hub:ApiKeys:0={Key}");
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var apiCalls = new List<(string Url, string? Key)>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/v1/", StringComparison.Ordinal))
            {
                apiCalls.Add((request.Url, request.Headers.TryGetValue("x-api-key", out var key) ? key : null));
            }
        };

        await page.GotoAsync(hub.BaseUrl + "/");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Key").FillAsync(Key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("hub (built into the hub)")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".pager")).ToContainTextAsync("(0 probes)");
        var beforeReload = apiCalls.Count;

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("hub (built into the hub)")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".pager")).ToContainTextAsync("(0 probes)");

        Assert.False(await dialog.IsVisibleAsync());
        // Before the key: the first calls went without one and were answered 401; every call after it carries it.
        var firstKeyed = apiCalls.FindIndex(c => c.Key is not null);
        Assert.True(firstKeyed > 0);
        Assert.All(apiCalls[..firstKeyed], c => Assert.Null(c.Key));
        Assert.All(apiCalls[firstKeyed..], c => Assert.Equal(Key, c.Key));
        Assert.True(apiCalls.Count > beforeReload);
        Assert.DoesNotContain(hub.Output, line => line.Contains(Key, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"#/probes/[0-9a-f-]{36}$")]
    private static partial Regex ProbeUrl();

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ReceiverPort();
}
