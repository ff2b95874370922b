using System.CommandLine;
using Switchyard.Commands;

// Composition root of the `switchyard` executable. Each sub-command lives in its own file under Commands/.
Switchyard.RuntimeTuning.Apply(); // before the first ArrayPool rent
// KubernetesClient's process-wide JSON options (watch events) get the API server's nesting limit (issue 17.3) where the
// Kubernetes client is built (KubernetesClientFactory.AllowDeepObjects), before its first request: not here, so a
// gateway on a manifest folder never runs KubernetesJson's static constructor (~1 MB of RSS, see ManifestLimits).
var root = new RootCommand("Switchyard: a Kubernetes ingress operator that serves Traefik's CRDs with a gRPC-first data plane.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(ExplainCommand.Create());
root.Subcommands.Add(CrdsCommand.Create());
return await root.Parse(args).InvokeAsync();
