using Boyi.Bench;

// Boyi.Bench: the C# side of bench/run.sh. Each command prints what it did; see bench/README.md.
return await BenchApp.RunAsync(args);
