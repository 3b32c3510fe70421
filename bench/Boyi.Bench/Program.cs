using Boyi.Bench;

// Boyi.Bench: the C# side of bench/run.sh (docs/benchmarks.md). Each command prints what it did.
return await BenchApp.RunAsync(args);
