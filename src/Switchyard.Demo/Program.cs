using Switchyard.Demo;

// switchyard-demo serve                 start the demo backends the seed manifests point at
// switchyard-demo pod [--port 5000]     one h2c backend on all interfaces named $POD_NAME (kind e2e)
// switchyard-demo call [options]        call mypackage.UserService through the gateway
// switchyard-demo bench [--count N] [--concurrency C]   rough unary calls/s through the gateway
//   --gateway http://127.0.0.1:8000  --authority grpc.localhost  --count 20  --method get|list|create
// Ctrl+C and SIGTERM (scripts/run.sh stops us by PID) end the process gracefully.
var cts = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);

void Stop(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    cts.Cancel();
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var mode = args.Length > 0 ? args[0] : "serve";
return mode switch
{
    "serve" => await DemoBackends.ServeAsync(
        int.Parse(Arg("--v1-port", "50051"), System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Arg("--v2-port", "50052"), System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Arg("--secure-port", "50443"), System.Globalization.CultureInfo.InvariantCulture),
        cts.Token),
    "pod" => await DemoBackends.ServePodAsync(
        Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName,
        int.Parse(Arg("--port", "5000"), System.Globalization.CultureInfo.InvariantCulture),
        cts.Token),
    "call" => await DemoClient.CallAsync(
        new Uri(Arg("--gateway", "http://127.0.0.1:8000")),
        Arg("--authority", "grpc.localhost"),
        int.Parse(Arg("--count", "20"), System.Globalization.CultureInfo.InvariantCulture),
        Arg("--method", "get"),
        cts.Token),
    "bench" => await DemoBench.RunAsync(
        new Uri(Arg("--gateway", "http://127.0.0.1:8000")),
        Arg("--authority", "grpc.localhost"),
        int.Parse(Arg("--count", "20000"), System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(Arg("--concurrency", "16"), System.Globalization.CultureInfo.InvariantCulture),
        cts.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: switchyard-demo serve | pod [--port N] | call [--gateway URL] [--authority HOST] [--count N] [--method get|list|create]");
    return 2;
}
