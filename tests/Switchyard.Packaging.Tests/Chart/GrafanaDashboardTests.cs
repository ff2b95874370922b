using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchyard.Packaging.Tests.Infrastructure;
using Switchyard.TestKit.Observability;

namespace Switchyard.Packaging.Tests.Chart;

/// <summary>
/// charts/switchyard/dashboards/grpc.json: Grafana's dashboard JSON model as far as a test can check it (required
/// fields, panel ids, gridPos on the 24-column grid, targets, variables), every query parsed by the real promtool,
/// every metric name one the exposition writes, and the chart's ConfigMap for the Grafana sidecar.
/// DataPlane.Tests' PrometheusScrapeTests runs the same queries against a real Prometheus scraping a real gateway.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed partial class GrafanaDashboardTests
{
    private const string Dashboard = "grpc.json";

    [Test]
    public void The_dashboard_has_Grafanas_required_fields_and_a_prometheus_datasource_variable()
    {
        var d = GrafanaDashboard.Load(Dashboard);
        Assert.Multiple(() =>
        {
            Assert.That((int?)d["schemaVersion"], Is.InRange(36, 41), "schemaVersion of Grafana 9.x-11.x dashboards");
            Assert.That((string?)d["uid"], Does.Match("^[a-zA-Z0-9_-]{1,40}$"));
            Assert.That((string?)d["title"], Is.Not.Empty);
            Assert.That(d["tags"]!.AsArray().Select(t => t!.GetValueKind()), Is.All.EqualTo(JsonValueKind.String));
            Assert.That((string?)d["time"]!["from"], Is.Not.Empty);
            Assert.That((string?)d["time"]!["to"], Is.Not.Empty);
            Assert.That(d["panels"]!.AsArray(), Is.Not.Empty);
            var datasource = Variables(d).Single(v => (string?)v["type"] == "datasource");
            Assert.That((string?)datasource["query"], Is.EqualTo("prometheus"));
            Assert.That(Variables(d).Select(v => (string?)v["name"]), Is.Unique);
        });
    }

    [Test]
    public void Panel_ids_are_unique_and_every_panel_has_a_gridPos_on_the_24_column_grid_without_overlap()
    {
        var panels = GrafanaDashboard.Load(Dashboard)["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.That(panels.Select(p => (int?)p["id"]), Is.Unique.And.All.Not.Null);
        var boxes = new List<(int Id, int X, int Y, int W, int H)>();
        foreach (var p in panels)
        {
            var id = (int)p["id"]!;
            var grid = p["gridPos"]?.AsObject();
            Assert.That(grid, Is.Not.Null, $"panel {id} has no gridPos");
            int Get(string k) => grid![k]?.GetValueKind() == JsonValueKind.Number ? (int)grid[k]! : -1;
            var (x, y, w, h) = (Get("x"), Get("y"), Get("w"), Get("h"));
            Assert.Multiple(() =>
            {
                Assert.That(x, Is.GreaterThanOrEqualTo(0), $"panel {id} gridPos.x");
                Assert.That(y, Is.GreaterThanOrEqualTo(0), $"panel {id} gridPos.y");
                Assert.That(w, Is.InRange(1, 24), $"panel {id} gridPos.w");
                Assert.That(h, Is.GreaterThan(0), $"panel {id} gridPos.h");
                Assert.That(x + w, Is.LessThanOrEqualTo(24), $"panel {id} ends past column 24");
                Assert.That((string?)p["type"], Is.Not.Empty, $"panel {id} type");
                Assert.That((string?)p["title"], Is.Not.Empty, $"panel {id} title");
            });
            foreach (var other in boxes)
            {
                var overlap = x < other.X + other.W && other.X < x + w && y < other.Y + other.H && other.Y < y + h;
                Assert.That(overlap, Is.False, $"panel {id} overlaps panel {other.Id}");
            }
            boxes.Add((id, x, y, w, h));
        }
    }

    [Test]
    public void Every_panel_queries_the_datasource_variable_with_unique_refIds_and_an_expr()
    {
        foreach (var p in GrafanaDashboard.Load(Dashboard)["panels"]!.AsArray())
        {
            var targets = p!["targets"]?.AsArray();
            Assert.That(targets, Is.Not.Null.And.Not.Empty, $"panel {p["id"]} has no targets");
            Assert.That(targets!.Select(t => (string?)t!["refId"]), Is.Unique.And.All.Not.Empty, $"panel {p["id"]} refIds");
            foreach (var t in targets!)
            {
                Assert.That((string?)t!["expr"], Is.Not.Empty, $"panel {p["id"]} target {t["refId"]}");
                Assert.That((string?)t["datasource"]?["uid"], Is.EqualTo("${datasource}"), $"panel {p["id"]} target datasource");
            }
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Every_query_parses_as_PromQL_by_promtool_check_rules(CancellationToken ct)
    {
        var queries = GrafanaDashboard.Queries(GrafanaDashboard.Load(Dashboard), "5m");
        Assert.That(queries, Has.Count.GreaterThanOrEqualTo(10));
        var result = await PromtoolCheckRulesAsync(queries.Select(q => q.Expr), ct);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.StdOut, Does.Contain($"SUCCESS: {queries.Count} rules found"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Promtool_rejects_a_broken_query_so_the_check_above_can_fail(CancellationToken ct)
    {
        var result = await PromtoolCheckRulesAsync(["sum by (router) (rate(switchyard_grpc_responses_total[5m])"], ct);
        Assert.That(result.ExitCode, Is.Not.Zero, result.ToString());
    }

    [Test]
    public void Every_metric_the_dashboard_queries_is_one_the_exposition_writes_and_the_grpc_protocols_are_its_labels()
    {
        var exposition = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Switchyard.DataPlane", "Metrics", "PrometheusExposition.cs"));
        var written = QuotedMetric().Matches(exposition).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.That(written, Does.Contain("switchyard_grpc_responses_total"), "the name list was read");
        var queries = GrafanaDashboard.Queries(GrafanaDashboard.Load(Dashboard), "5m");
        var used = queries.SelectMany(q => MetricName().Matches(q.Expr).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.That(used, Does.Contain("switchyard_grpc_responses_total").And.Contain("traefik_router_request_duration_seconds_bucket"));
        foreach (var name in used)
        {
            var family = Regex.Replace(name, "_(bucket|sum|count)$", "");
            Assert.That(written.Contains(name) || (written.Contains(family) && family != name), Is.True, $"{name} is not in /metrics");
        }

        var protocols = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Switchyard.DataPlane", "Metrics", "RequestLabels.cs"));
        Assert.That(protocols, Does.Contain("\"grpc\"").And.Contain("\"grpc-web\""), "protocol label values the panels select");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task The_chart_renders_the_dashboard_as_a_ConfigMap_for_the_grafana_sidecar_only_when_enabled(CancellationToken ct)
    {
        var off = await HelmChart.RenderAsync(null, ct);
        Assert.That(off.All("ConfigMap").Select(c => (string?)c["metadata"]!["name"]), Has.None.Contains("dashboard"));

        var on = new Rendered(YamlJson.ParseObjects(await HelmChart.TemplateYamlAsync(null, ct,
            "--set", "grafana.dashboards.enabled=true", "--set", "grafana.dashboards.annotations.grafana_folder=Switchyard")));
        var map = on.All("ConfigMap").Single(c => (string?)c["metadata"]!["name"] == "gw-switchyard-dashboard-grpc");
        Assert.Multiple(() =>
        {
            Assert.That((string?)map["metadata"]!["labels"]!["grafana_dashboard"], Is.EqualTo("1"));
            Assert.That((string?)map["metadata"]!["annotations"]!["grafana_folder"], Is.EqualTo("Switchyard"));
            Assert.That((string?)map["metadata"]!["namespace"], Is.EqualTo(HelmChart.Namespace));
            var carried = JsonNode.Parse((string)map["data"]!["grpc.json"]!);
            Assert.That(JsonNode.DeepEquals(carried, GrafanaDashboard.Load(Dashboard)), Is.True, "the ConfigMap carries the file unchanged");
        });
    }

    private static IEnumerable<JsonObject> Variables(JsonObject d) => d["templating"]!["list"]!.AsArray().Select(v => v!.AsObject());

    /// <summary>The queries as recording rules (JSON is YAML) checked by `promtool check rules`.</summary>
    private static async Task<ProcessResult> PromtoolCheckRulesAsync(IEnumerable<string> exprs, CancellationToken ct)
    {
        var rules = exprs.Select((e, i) => new JsonObject { ["record"] = $"dashboard:query_{i}", ["expr"] = e });
        var file = Path.Combine(Path.GetTempPath(), $"switchyard-dashboard-rules-{Guid.NewGuid():N}.yml");
        var doc = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = new JsonArray([.. rules]) }) };
        await File.WriteAllTextAsync(file, doc.ToJsonString(), ct);
        try
        {
            return await ProcessRunner.RunAsync(PrometheusServer.PromtoolPath, ["check", "rules", file], cancellationToken: ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex("\"((?:traefik|switchyard)_[a-z_]+)\"")]
    private static partial Regex QuotedMetric();

    [GeneratedRegex(@"\b(?:traefik|switchyard)_[a-z_]+\b")]
    private static partial Regex MetricName();
}
