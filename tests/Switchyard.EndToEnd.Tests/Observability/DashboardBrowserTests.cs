using Microsoft.Playwright;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;

namespace Switchyard.EndToEnd.Tests.Observability;

/// <summary>
/// Issue 18.5: the dashboard of a real `switchyard run` in Debian's headless chromium, driven by Microsoft.Playwright
/// (the browser is the system's, never downloaded): routers render, a manifest written to the folder appears without
/// a reload, the unhealthy server is shown DOWN, search filters, the page logs no console error. The screenshot lands
/// in the test output (and in docs/dashboard.png with UPDATE_SCREENSHOT=1).
/// </summary>
[CancelAfter(180_000)]
public class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Test]
    public async Task TheDashboard_RendersTheGateway_AndFollowsAManifestChangeWithoutReload()
    {
        Assert.That(File.Exists(Chromium), Is.True, "Debian's chromium (scripts/setup.d/60-observability.sh)");
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        await using var run = await ApiRunHarness.StartAsync(backend.Port);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (problems)
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add("page error: " + error);
            }
        };
        var loads = 0;
        page.Load += (_, _) => Interlocked.Increment(ref loads);

        await page.GotoAsync(run.Admin.BaseAddress + "dashboard/");
        var timeout = new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 };
        await Assertions.Expect(page.Locator("#routers tr[data-name^='default-echo-']")).ToBeVisibleAsync(timeout);
        await Assertions.Expect(page.Locator("#routers tr[data-name='default-broken@kubernetescrd'] .badge.disabled")).ToBeVisibleAsync(timeout);
        await Assertions.Expect(page.Locator("#services tr[data-name='default-down-grpc@kubernetescrd'] .server .badge.DOWN")).ToBeVisibleAsync(timeout);
        await Assertions.Expect(page.Locator("#entrypoints .card[data-name='web']")).ToBeVisibleAsync(timeout);

        // A manifest change: the new route shows up on the page that is already open.
        await File.WriteAllTextAsync(Path.Combine(run.Manifests, "fresh.yaml"), ApiRunHarness.Route("fresh", backend.Port));
        await Assertions.Expect(page.Locator("#routers tr[data-name^='default-fresh-']")).ToBeVisibleAsync(timeout);
        await Assertions.Expect(page.Locator("#services tr[data-name='default-fresh-grpc@kubernetescrd'] .server .badge.UP")).ToBeVisibleAsync(timeout);

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(screenshot, Path.Combine(RepositoryRoot.Folder, "docs", "dashboard.png"), overwrite: true);
        }

        // Search filters the tables; a search that matches nothing says so.
        await page.FillAsync("#search", "fresh");
        await Assertions.Expect(page.Locator("#routers tbody tr")).ToHaveCountAsync(1);
        await page.FillAsync("#search", "no-such-thing");
        await Assertions.Expect(page.Locator("#routers tr.empty")).ToContainTextAsync("Nothing matches");

        Assert.Multiple(() =>
        {
            Assert.That(loads, Is.EqualTo(1), "the page was never reloaded");
            lock (problems)
            {
                Assert.That(problems, Is.Empty, "no console errors");
            }
        });
    }
}
