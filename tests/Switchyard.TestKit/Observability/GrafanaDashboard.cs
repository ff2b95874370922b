using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchyard.TestKit.Observability;

/// <summary>One Prometheus query of a dashboard panel, with Grafana's variables replaced by concrete values.</summary>
public sealed record DashboardQuery(int PanelId, string Panel, string RefId, string Expr);

/// <summary>
/// A Grafana dashboard JSON of charts/switchyard/dashboards: its panels' PromQL with the dashboard's variables
/// (`$router` → its allValue) and Grafana's built-ins (`$__rate_interval`, ...) replaced, so promtool and a real
/// Prometheus can run them. A variable that is neither fails loudly: Grafana would leave it in the query.
/// </summary>
public static partial class GrafanaDashboard
{
    public static string Path(string name) => System.IO.Path.Combine(RepositoryRoot.Folder, "charts", "switchyard", "dashboards", name);

    public static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(Path(name)))!.AsObject();

    public static IReadOnlyList<DashboardQuery> Queries(JsonObject dashboard, string rateInterval)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__rate_interval"] = rateInterval,
            ["__interval"] = rateInterval,
            ["__range"] = rateInterval,
        };
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            var name = (string)variable!["name"]!;
            values[name] = (string?)variable["allValue"] ?? ".*";
        }

        var queries = new List<DashboardQuery>();
        foreach (var panel in dashboard["panels"]!.AsArray())
        {
            foreach (var target in panel!["targets"]?.AsArray() ?? [])
            {
                var expr = Variable().Replace((string)target!["expr"]!, m =>
                {
                    var name = m.Groups["a"].Success ? m.Groups["a"].Value : m.Groups["b"].Value;
                    return values.TryGetValue(name, out var value)
                        ? value
                        : throw new InvalidOperationException($"panel {panel["id"]}: ${name} is no dashboard variable");
                });
                queries.Add(new DashboardQuery((int)panel["id"]!, (string)panel["title"]!, (string)target["refId"]!, expr));
            }
        }
        return queries;
    }

    [GeneratedRegex(@"\$(?:\{(?<b>\w+)(?::\w+)?\}|(?<a>\w+))")]
    private static partial Regex Variable();
}
