using Boyi.Contracts.V1;
using Boyi.Infrastructure.Import;
using Grpc.Core;
using Grpc.Net.Client;
using Reg = Boyi.Domain.Registry;

namespace Boyi.Cli;

public static class ExportCommand
{
    public static async Task<int> RunAsync(GrpcChannel channel, Arguments args, TextWriter stdout, CancellationToken ct)
    {
        var path = args.Positional.SingleOrDefault() ?? throw new UsageException("export needs exactly one output file");
        var format = FileFormats.IsXlsx(path, args.Option("format")) ? ImportFileFormat.Xlsx : ImportFileFormat.Csv;
        var parent = args.Option("parent") ?? "counties/450923";
        var names = await VillageNamesAsync(channel, parent, ct);
        var options = new ExportOptions(args.Flags.Contains("english") ? FileLanguage.English : FileLanguage.Chinese);

        var households = new HouseholdService.HouseholdServiceClient(channel);
        var fullReason = args.Option("full-reason");
        using var call = households.ExportHouseholds(new ExportHouseholdsRequest
        {
            Parent = parent,
            Filter = args.Option("filter") ?? "",
            PersonalDataView = fullReason is null ? PersonalDataView.Masked : PersonalDataView.Full,
            PersonalDataReason = fullReason ?? "",
        }, cancellationToken: ct);
        // XLSX needs a seekable stream: write to a temporary file beside the target and move it into place when complete.
        var temp = path + ".partial";
        int count;
        await using (var output = File.Create(temp))
        using (var writer = HouseholdFileWriter.Create(output, format, options))
        {
            await foreach (var batch in call.ResponseStream.ReadAllAsync(ct))
                foreach (var h in batch.Households)
                    writer.Write(ToExport(h, names));
            writer.Complete();
            count = writer.HouseholdsWritten;
        }
        File.Move(temp, path, overwrite: true);
        await stdout.WriteLineAsync($"{path}: exported {count} households from {parent}.");
        if (fullReason is null)
            await stdout.WriteLineAsync("ID-card numbers and phones are masked; --full-reason \"…\" exports them in full (needs the personal-data permission; recorded in the audit log).");
        return CliApp.Ok;
    }

    internal static ExportHousehold ToExport(Household h, IReadOnlyDictionary<long, (string Town, string Village)> names)
    {
        var villageCode = long.Parse(h.Village.Split('/')[1]);
        var name = names.GetValueOrDefault(villageCode);
        return new ExportHousehold(
            h.Name.Split('/')[1],
            villageCode,
            name.Town,
            name.Village,
            h.Members.Select(m => new ExportMember(m.FullName, (Reg.Relation)(int)m.Relation, m.IdCardNumber,
                (Reg.HealthStatus)(int)m.Health, (Reg.LabourCapacity)(int)m.LabourCapacity)).ToList(),
            h.Phone.Length == 0 ? null : h.Phone,
            h.PovertyCauses.Select(c => (Reg.PovertyCause)(int)c).ToList(),
            h.PerCapitaIncomeFen,
            h.HasLabourCapacity,
            h.WillingToRunIndustry,
            (Reg.HouseholdStatus)(int)h.Status,
            h.LiftedYear == 0 ? null : h.LiftedYear);
    }

    /// <summary>Town and village names of the county the parent is in, so the file is readable by people.</summary>
    private static async Task<Dictionary<long, (string Town, string Village)>> VillageNamesAsync(GrpcChannel channel, string parent, CancellationToken ct)
    {
        var registry = new RegistryService.RegistryServiceClient(channel);
        var code = parent.Split('/').ElementAtOrDefault(1) ?? "";
        var county = code.Length >= 6 ? $"counties/{code[..6]}" : parent;
        var towns = new Dictionary<string, string>();
        var token = "";
        do
        {
            var page = await registry.ListTownsAsync(new ListTownsRequest { Parent = county, PageSize = 500, PageToken = token }, cancellationToken: ct);
            foreach (var t in page.Towns)
                towns[t.Name] = t.DisplayName;
            token = page.NextPageToken;
        } while (token.Length > 0);
        var result = new Dictionary<long, (string, string)>();
        token = "";
        do
        {
            var page = await registry.ListVillagesAsync(new ListVillagesRequest { Parent = county, PageSize = 500, PageToken = token }, cancellationToken: ct);
            foreach (var v in page.Villages)
                result[long.Parse(v.Name.Split('/')[1])] = (towns.GetValueOrDefault(v.Town, ""), v.DisplayName);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return result;
    }
}
