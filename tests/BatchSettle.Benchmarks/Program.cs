using BatchSettle.Benchmarks;

// ops/bench drives this: "run" orchestrates the whole benchmark (README "Benchmarks"); "e2e" is the child process
// that settles and reports its own peak memory; "micro" is the BenchmarkDotNet calculator benchmark.
return args.Length > 0 ? args[0] switch
{
    "run" => await BenchRun.MainAsync(args[1..]),
    "e2e" => await EndToEnd.ChildMainAsync(args[1..]),
    "micro" => CalculatorBenchmark.Run(args[1..]),
    _ => Usage(),
} : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: BatchSettle.Benchmarks run --data <dir>[,<dir>...] [--naive N] [--work DIR] [--micro] | e2e --conn CS | micro");
    return 2;
}
