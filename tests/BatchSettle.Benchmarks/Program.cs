using BatchSettle.Benchmarks;

// ops/bench drives this: "run" orchestrates the whole benchmark (README "Benchmarks"); "e2e" is the child process
// that settles and reports its own peak memory; "sim" the child that simulates the same claims (issue 15); "micro" is the BenchmarkDotNet calculator benchmark (one process, the
// runtime settings it was started with); "micro-matrix" runs "micro" in each runtime configuration, round by round;
// "xlsx" measures the XLSX writer's memory at several sizes, each in an "xlsx-child" process.
return args.Length > 0 ? args[0] switch
{
    "run" => await BenchRun.MainAsync(args[1..]),
    "e2e" => await EndToEnd.ChildMainAsync(args[1..]),
    "sim" => await EndToEnd.SimChildMainAsync(args[1..]),
    "micro" => CalculatorBenchmark.Run(args[1..]),
    "micro-matrix" => await MicroMatrix.MainAsync(args[1..]),
    "xlsx" => await XlsxMemory.MainAsync(args[1..]),
    "xlsx-child" => XlsxMemory.ChildMain(args[1..]),
    _ => Usage(),
} : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: BatchSettle.Benchmarks run --data <dir>[,<dir>...] [--pairs N|N1,N2] [--naive N] [--partitions N] [--parallelism N] [--simulate small|all|none] [--e2e-only] [--reload] [--work DIR] [--commit C] [--micro ROUNDS] [--r2r DIR]\n"
        + "     | e2e --conn CS [--partitions N] [--parallelism N] | sim --conn CS [--partitions N] [--parallelism N] | micro [BenchmarkDotNet args] | micro-matrix [--rounds N] [--configs a,b] [--r2r DIR]\n"
        + "     | xlsx [--rows N1,N2] [--work DIR]");
    return 2;
}
