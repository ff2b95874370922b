using System.CommandLine;
using Switchyard.Commands;

// Composition root of the `switchyard` executable. Each sub-command lives in its own file under Commands/.
Switchyard.RuntimeTuning.Apply(); // before the first ArrayPool rent
// KubernetesClient's process-wide JSON options become read-only at their first use, so the API server's nesting
// limit for watch events (issue 17.3) is set before anything can decode with them.
Switchyard.Model.Loading.ManifestLimits.RaiseKubernetesClientDepth();
var root = new RootCommand("Switchyard: a Kubernetes ingress operator that serves Traefik's CRDs with a gRPC-first data plane.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(ExplainCommand.Create());
root.Subcommands.Add(CrdsCommand.Create());
return await root.Parse(args).InvokeAsync();
