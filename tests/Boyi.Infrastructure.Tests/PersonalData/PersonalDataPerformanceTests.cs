using System.Diagnostics;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.PersonalData;
using Xunit.Abstractions;

namespace Boyi.Infrastructure.Tests.PersonalData;

/// <summary>Not a benchmark, and no timing is asserted: makes sure a county-sized import is not pathologically slow.</summary>
public class PersonalDataPerformanceTests(ITestOutputHelper output)
{
    private const int Members = 125_000;

    [Fact]
    public void Protects_a_county_of_members()
    {
        var ids = new string[Members];
        var phones = new string[Members];
        var start = new DateOnly(1940, 1, 1);
        for (var i = 0; i < Members; i++)
        {
            ids[i] = IdCardNumber.Create("450923", start.AddDays(i / 5), i % 1000).Value;
            phones[i] = "138" + (10_000_000 + i).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        }

        using var protector = new PersonalDataProtector(PersonalDataKeys.ForTests());
        var idCiphers = new byte[Members][];
        var idHashes = new byte[Members][];
        var phoneCiphers = new byte[Members][];

        // Warm up (JIT, thread-local ciphers).
        protector.Decrypt(protector.Encrypt(ids[0], PersonalDataPurposes.IdCardNumber), PersonalDataPurposes.IdCardNumber);
        protector.Hash(ids[0], PersonalDataPurposes.IdCardNumber);

        var encrypt = Time(() =>
        {
            for (var i = 0; i < Members; i++)
                idCiphers[i] = protector.Encrypt(ids[i], PersonalDataPurposes.IdCardNumber);
        });
        var hash = Time(() =>
        {
            for (var i = 0; i < Members; i++)
                idHashes[i] = protector.Hash(ids[i], PersonalDataPurposes.IdCardNumber);
        });
        var decrypt = Time(() =>
        {
            for (var i = 0; i < Members; i++)
            {
                if (protector.Decrypt(idCiphers[i], PersonalDataPurposes.IdCardNumber).Length != 18)
                    throw new InvalidOperationException("round trip failed");
            }
        });
        var parallel = Time(() => Parallel.For(0, Members, i =>
        {
            idCiphers[i] = protector.Encrypt(ids[i], PersonalDataPurposes.IdCardNumber);
            idHashes[i] = protector.Hash(ids[i], PersonalDataPurposes.IdCardNumber);
            phoneCiphers[i] = protector.Encrypt(phones[i], PersonalDataPurposes.Phone);
        }));

        output.WriteLine($"{Members:N0} ID-card numbers, one thread: encrypt {Per(encrypt)}, hash {Per(hash)}, decrypt {Per(decrypt)}");
        output.WriteLine($"{Members:N0} members × (encrypt ID + hash ID + encrypt phone) on {Environment.ProcessorCount} cores: {parallel.TotalMilliseconds:F0} ms");

        Assert.Equal(Members, idHashes.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(ids[^1], protector.Decrypt(idCiphers[^1], PersonalDataPurposes.IdCardNumber));
        Assert.Equal(phones[^1], protector.Decrypt(phoneCiphers[^1], PersonalDataPurposes.Phone));
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static string Per(TimeSpan total) => $"{total.TotalMilliseconds:F0} ms ({total.TotalNanoseconds / Members:F0} ns each)";
}
