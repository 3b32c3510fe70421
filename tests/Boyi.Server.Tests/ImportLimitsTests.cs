using System.Text;
using Boyi.Contracts.V1;
using Boyi.Server.Services;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>A server taking import files of at most 4 KiB in at most 8 messages.</summary>
public sealed class SmallImportFixture : CountyFixture
{
    public const int MaxBytes = 4096;
    public const int MaxMessages = 8;

    protected override string[] ExtraArguments => [$"--Boyi:Limits:MaxImportBytes={MaxBytes}", $"--Boyi:Limits:MaxImportMessages={MaxMessages}"];
}

public sealed class ImportLimitsTests(SmallImportFixture s) : IClassFixture<SmallImportFixture>
{
    [Fact]
    public async Task AFileOverTheByteCap_IsResourceExhausted_AndNothingIsWritten()
    {
        var village = s.County.Towns[0].Villages[0];
        var file = Csv(village, households: 60);
        Assert.InRange(file.Length, SmallImportFixture.MaxBytes + 1, 2 * SmallImportFixture.MaxBytes);

        var e = await Api.FailsAsync(StatusCode.ResourceExhausted, HouseholdImporter.TooLargeReason, () =>
            Imports.SendAsync(s, s.County.Name, Imports.Chunks(file, chunk: 1024)));
        Assert.Equal(SmallImportFixture.MaxBytes.ToString(), e.ErrorInfo().Metadata["max_bytes"]);
        Assert.Equal(0, await HouseholdsInAsync(village));
    }

    [Fact]
    public async Task AStreamOverTheMessageCap_IsResourceExhausted_AndNothingIsWritten()
    {
        var village = s.County.Towns[0].Villages[1];
        var file = Csv(village, households: 3);
        var chunk = file.Length / SmallImportFixture.MaxMessages + 1;   // the header and MaxMessages chunks

        var e = await Api.FailsAsync(StatusCode.ResourceExhausted, HouseholdImporter.TooLargeReason, () =>
            Imports.SendAsync(s, s.County.Name, Imports.Chunks(file, chunk)));
        Assert.Equal(SmallImportFixture.MaxMessages.ToString(), e.ErrorInfo().Metadata["max_messages"]);
        Assert.Equal(0, await HouseholdsInAsync(village));
    }

    [Fact]
    public async Task AFileWithinTheCaps_IsImported()
    {
        var village = s.County.Towns[1].Villages[0];
        var file = Csv(village, households: 3);
        var chunk = file.Length / (SmallImportFixture.MaxMessages - 1) + 1;   // the header and MaxMessages - 1 chunks

        Assert.Equal(3, (await Imports.SendAsync(s, s.County.Name, Imports.Chunks(file, chunk))).HouseholdsImported);
        Assert.Equal(3, await HouseholdsInAsync(village));
    }

    private static byte[] Csv(string village, int households)
    {
        var code = village.Split('/')[1];
        var rows = Enumerable.Range(1, households)
            .Select(i => ImportExportTests.Row($"{i}", code, "覃某", "户主", Api.NewIdCardNumber(), "", "因病", "100", "是", "否"));
        return Encoding.UTF8.GetBytes(string.Join('\n', [ImportExportTests.Header, .. rows]) + "\n");
    }

    private async Task<int> HouseholdsInAsync(string village) =>
        (await s.Households.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = village })).TotalSize;
}
