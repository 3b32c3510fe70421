using System.Globalization;
using System.Numerics;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.Validation;

namespace Boyi.Infrastructure.Import;

/// <summary>
/// Turns the rows of a household-card file into validated households: maps the header, groups rows by
/// household key, resolves villages in the county, maps labels to the domain values and lets
/// <see cref="HouseholdCard.Validate"/> judge each card. Every problem is reported with its file row and
/// the column header the user wrote; nothing here touches the database.
/// </summary>
public static class HouseholdImportParser
{
    /// <param name="rows">The file's rows as <see cref="ImportFileReader"/> returns them; the first is the header.</param>
    /// <param name="villages">The villages of the county the file is imported into, by code.</param>
    /// <param name="today">Today in China: bounds ID-card birth dates and the lifted year.</param>
    public static HouseholdImportResult Parse(IReadOnlyList<ImportRow> rows, IReadOnlyDictionary<long, VillageInfo> villages, DateOnly today) =>
        Plan(rows, villages, today).ReadHouseholds(null);

    /// <summary>
    /// The first step of <see cref="Parse"/>: header, rows, grouping into households, duplicates in the file, and
    /// how many households each village gets. The second step (<see cref="HouseholdImportPlan.ReadHouseholds"/>)
    /// checks the households one by one and can hand each to a writer as soon as it passes.
    /// </summary>
    public static HouseholdImportPlan Plan(IReadOnlyList<ImportRow> rows, IReadOnlyDictionary<long, VillageInfo> villages, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(villages);
        var run = new Run(rows, villages, today);
        run.Prepare();
        return new HouseholdImportPlan(run);
    }

    /// <summary>A file between the two steps of checking: see <see cref="Plan"/>.</summary>
    public sealed class HouseholdImportPlan
    {
        private readonly Run _run;

        internal HouseholdImportPlan(Run run) => _run = run;

        /// <summary>Households in the file, in file order (some may still fail their check).</summary>
        public int HouseholdCount => _run.Groups.Count;

        /// <summary>Each household's number of rows (members), in file order.</summary>
        public IReadOnlyList<int> MembersPerHousehold => _run.Groups.Select(g => g.Count).ToArray();

        /// <summary>Households per village, for the villages the file's head rows name; reserve numbers from this.</summary>
        public IReadOnlyDictionary<long, int> HouseholdsPerVillage => _run.HouseholdsPerVillage;

        /// <summary>Whether problems were found already (header, rows, duplicates): the file cannot be imported.</summary>
        public bool HasProblems => _run.ErrorCount > 0;

        /// <summary>
        /// Checks every household (on all cores) and returns the result. Each household that passes is also handed to
        /// <paramref name="onHousehold"/>, possibly from several threads at once, with its position in the file and
        /// its position among its village's households in file order (so numbers reserved per village can be given
        /// out deterministically).
        /// </summary>
        public HouseholdImportResult ReadHouseholds(Action<int, int, ImportedHousehold>? onHousehold) => _run.ReadHouseholds(onHousehold);
    }

    internal sealed class Member
    {
        public required ImportRow Row;
        public string? FullName;
        public Relation Relation;
        public string? IdCardNumber;
        /// <summary>The normalised number when it is a valid ID-card number, for the duplicate check.</summary>
        public string? ValidIdCardNumber;
        public HealthStatus Health;
        public LabourCapacity LabourCapacity;
    }

    internal sealed class Run(IReadOnlyList<ImportRow> rows, IReadOnlyDictionary<long, VillageInfo> villages, DateOnly today)
    {
        private const int NoColumn = -1;
        private static readonly int FieldCount = Enum.GetValues<HouseholdField>().Length;

        private static readonly HouseholdField[] HouseholdLevelFields =
            HouseholdColumns.All.Where(c => c.HouseholdLevel).Select(c => c.Field).ToArray();

        private readonly int[] _columnOf = Enumerable.Repeat(NoColumn, FieldCount).ToArray();
        private readonly List<(ImportError Error, int Column, int Seq)> _errors = [];
        private readonly HashSet<(int Row, int Column)> _flaggedCells = [];
        private readonly Lock _errorsLock = new();
        private int _errorSeq;

        /// <summary>Counts this thread's errors, so a household read on it can tell whether it added any.</summary>
        [ThreadStatic]
        private static int _errorsAddedOnThisThread;
        private string[] _headers = [];
        private Dictionary<(string Town, string Village), VillageInfo>? _byName;
        private HashSet<string>? _townNames;

        private bool _headerOk;
        private int _dataRows;
        private int[] _villageOffset = [];

        public List<List<Member>> Groups { get; } = [];
        public Dictionary<long, int> HouseholdsPerVillage { get; } = [];

        public int ErrorCount
        {
            get
            {
                lock (_errorsLock)
                    return _errors.Count;
            }
        }

        public void Prepare()
        {
            var header = rows[0];
            _dataRows = rows.Count - 1;
            if (!MapHeader(header))
                return;
            if (_dataRows == 0)
            {
                AddAt(header.RowNumber + 1, _columnOf[(int)HouseholdField.HouseholdKey], "NO_DATA_ROWS",
                    "the file has a header but no households below it");
                return;
            }
            _headerOk = true;

            // Rows and households are read on all cores (the database is idle while a file is checked); errors are
            // sorted by row and column at the end, so the result does not depend on the order threads finish in.
            BuildNameIndex();
            var members = new Member[rows.Count - 1];
            Parallel.For(1, rows.Count, i =>
            {
                CheckCellsWithoutHeader(rows[i]);
                members[i - 1] = ReadMember(rows[i]);
            });

            var groups = new Dictionary<string, List<Member>>(StringComparer.Ordinal);
            foreach (var member in members)
            {
                var row = member.Row;
                var key = Cell(row, HouseholdField.HouseholdKey).Text.Trim();
                if (key.Length == 0)
                {
                    Add(row, HouseholdField.HouseholdKey, "REQUIRED",
                        "every row needs the household key that groups a household's members");
                    continue;
                }
                if (!groups.TryGetValue(key, out var group))
                {
                    groups[key] = group = [];
                    Groups.Add(group);
                }
                group.Add(member);
            }

            CheckIdCardNumbersUniqueInFile(Groups);

            // Each household's village, as its head row names it; the full check (with messages) comes in ReadHousehold.
            _villageOffset = new int[Groups.Count];
            for (var i = 0; i < Groups.Count; i++)
            {
                var village = FindVillage(Head(Groups[i]).Row);
                if (village is null)
                {
                    _villageOffset[i] = -1;
                    continue;
                }
                HouseholdsPerVillage.TryGetValue(village.Id, out var n);
                _villageOffset[i] = n;
                HouseholdsPerVillage[village.Id] = n + 1;
            }
        }

        public HouseholdImportResult ReadHouseholds(Action<int, int, ImportedHousehold>? onHousehold)
        {
            if (!_headerOk)
                return Result([], _dataRows);
            var read = new ImportedHousehold?[Groups.Count];
            Parallel.For(0, Groups.Count, i =>
            {
                var household = ReadHousehold(Cell(Groups[i][0].Row, HouseholdField.HouseholdKey).Text.Trim(), Groups[i]);
                read[i] = household;
                if (household is not null)
                {
                    if (_villageOffset[i] < 0)
                        throw new InvalidOperationException("A household's village was found only on the second look.");
                    onHousehold?.Invoke(i, _villageOffset[i], household);
                }
            });
            return Result(read.OfType<ImportedHousehold>().ToList(), _dataRows);
        }

        private static Member Head(List<Member> members) => members.FirstOrDefault(m => m.Relation == Relation.Head) ?? members[0];

        private HouseholdImportResult Result(List<ImportedHousehold> households, int rowsRead)
        {
            var sorted = _errors
                .OrderBy(e => e.Error.Row).ThenBy(e => e.Column).ThenBy(e => e.Seq)
                .Take(ImportProblems.MaxListed)
                .Select(e => e.Error)
                .ToList();
            var idColumn = _columnOf[(int)HouseholdField.IdCardNumber];
            return new HouseholdImportResult(
                _errors.Count == 0 ? households : [],
                new ImportProblems(sorted, _errors.Count),
                rowsRead,
                idColumn == NoColumn ? HouseholdColumns.Get(HouseholdField.IdCardNumber).Chinese : _headers[idColumn]);
        }

        // ---- header ----

        private bool MapHeader(ImportRow header)
        {
            _headers = new string[header.Cells.Length];
            for (var i = 0; i < header.Cells.Length; i++)
            {
                var text = header.Cells[i].Text.Trim();
                _headers[i] = text;
                if (text.Length == 0)
                    continue;
                var column = HouseholdColumns.Match(text);
                if (column is null)
                {
                    AddAt(header.RowNumber, i, "UNKNOWN_COLUMN",
                        $"is not a column of the household card; the known columns are {HouseholdColumns.KnownHeaders}");
                }
                else if (_columnOf[(int)column.Field] is var first and not NoColumn)
                {
                    AddAt(header.RowNumber, i, "DUPLICATE_COLUMN", $"is the same column as '{_headers[first]}'");
                }
                else
                {
                    _columnOf[(int)column.Field] = i;
                }
            }

            var missingAt = header.Cells.Length;
            void Missing(HouseholdField field, string message) =>
                _errors.Add((new ImportError(header.RowNumber, HouseholdColumns.Get(field).Both, "MISSING_COLUMN", message),
                    missingAt++, _errorSeq++));

            foreach (var c in HouseholdColumns.All.Where(c => c.Required && !Has(c.Field)))
                Missing(c.Field, "the file must have this column");
            if (!Has(HouseholdField.VillageCode))
            {
                const string villageWays = "give the village by its code (行政村代码 / village_code) or by both 乡镇 / town and 行政村 / village";
                if (!Has(HouseholdField.Town) && !Has(HouseholdField.Village))
                    Missing(HouseholdField.VillageCode, villageWays);
                else if (!Has(HouseholdField.Town))
                    Missing(HouseholdField.Town, villageWays);
                else if (!Has(HouseholdField.Village))
                    Missing(HouseholdField.Village, villageWays);
            }
            return _errors.Count == 0;
        }

        private void CheckCellsWithoutHeader(ImportRow row)
        {
            for (var i = 0; i < row.Cells.Length; i++)
            {
                if (!row.Cells[i].IsBlank && (i >= _headers.Length || _headers[i].Length == 0))
                {
                    AddAt(row.RowNumber, i, "VALUE_WITHOUT_COLUMN",
                        "has a value but its column has no header; clear the cell or give the column a known header");
                }
            }
        }

        // ---- members ----

        private Member ReadMember(ImportRow row)
        {
            var name = Cell(row, HouseholdField.FullName).Text.Trim();
            var idCardNumber = ReadIdCardNumber(row);
            return new Member
            {
                Row = row,
                FullName = name.Length == 0 ? null : name,
                Relation = ReadLabel(row, HouseholdField.Relation, HouseholdLabels.Relations, "relation to the head of household"),
                IdCardNumber = idCardNumber,
                // Malformed numbers get their own message from the domain; only real numbers can name the same person.
                ValidIdCardNumber = IdCardNumber.TryParse(idCardNumber, today, out var valid, out _) ? valid.Value : null,
                Health = ReadLabel(row, HouseholdField.Health, HouseholdLabels.Health, "health state"),
                LabourCapacity = ReadLabel(row, HouseholdField.LabourCapacity, HouseholdLabels.Labour, "labour capacity"),
            };
        }

        private T ReadLabel<T>(ImportRow row, HouseholdField field, LabelSet<T> labels, string what) where T : struct, Enum
        {
            var cell = Cell(row, field);
            if (labels.TryParse(cell.Text, out var value))
                return value;
            if (cell.IsBlank)
                Add(row, field, "REQUIRED", $"give the {what}: {labels.Expected}");
            else
                Add(row, field, "INVALID_VALUE", $"'{Shorten(cell.Text)}' is not a {what}; use one of {labels.Expected}");
            return default;
        }

        private string? ReadIdCardNumber(ImportRow row)
        {
            var cell = Cell(row, HouseholdField.IdCardNumber);
            if (cell.IsBlank)
                return null;
            if (cell.IsNumber && !IsExactInteger(cell.Text))
            {
                Add(row, HouseholdField.IdCardNumber, "ID_CARD_STORED_AS_NUMBER",
                    "is stored as a number, and Excel keeps only 15 digits of a number; format the column as text " +
                    "(设置单元格格式 → 文本) and enter the ID-card numbers again");
                return null;
            }
            return cell.Text.Trim().ToUpperInvariant();
        }

        /// <summary>One person is on one household card: every row with a number that appears more than once is reported.</summary>
        private void CheckIdCardNumbersUniqueInFile(List<List<Member>> groups)
        {
            var first = new Dictionary<string, Member>(StringComparer.Ordinal);
            Dictionary<string, List<Member>>? repeated = null;
            foreach (var group in groups)
            {
                foreach (var m in group)
                {
                    if (m.ValidIdCardNumber is not { } number || first.TryAdd(number, m))
                        continue;
                    repeated ??= new Dictionary<string, List<Member>>(StringComparer.Ordinal);
                    if (!repeated.TryGetValue(number, out var list))
                        repeated[number] = list = [first[number]];
                    list.Add(m);
                }
            }
            foreach (var list in repeated?.Values ?? Enumerable.Empty<List<Member>>())
            {
                foreach (var m in list)
                {
                    var others = list.Where(o => o != m).Select(o => o.Row.RowNumber).OrderBy(r => r).ToList();
                    var shown = string.Join(", ", others.Take(5)) + (others.Count > 5 ? $" and {others.Count - 5} more" : "");
                    Add(m.Row, HouseholdField.IdCardNumber, "DUPLICATE_IN_FILE",
                        $"the same ID-card number is also on row{(others.Count > 1 ? "s" : "")} {shown}; a person is on one household card");
                }
            }
        }

        // ---- households ----

        private ImportedHousehold? ReadHousehold(string key, List<Member> members)
        {
            var errorsBefore = _errorsAddedOnThisThread;
            var heads = members.Where(m => m.Relation == Relation.Head).ToList();
            var head = Head(members);
            var row = head.Row;

            var village = ReadVillage(row);
            var phoneCell = Cell(row, HouseholdField.Phone);
            var phone = phoneCell.IsBlank ? null : phoneCell.Text.Trim();
            var causes = ReadCauses(row);
            var income = ReadIncome(row);
            var hasLabour = ReadBoolean(row, HouseholdField.HasLabourCapacity, "whether the household has labour capacity");
            var willing = ReadBoolean(row, HouseholdField.WillingToRunIndustry, "whether the household is willing to run an industry");
            var (status, liftedYear) = ReadStatus(row);

            foreach (var other in members)
            {
                if (other != head)
                    CheckSameAsHead(head.Row, other.Row);
            }

            var input = new HouseholdCardInput(
                members.Select(m => new MemberInput(0, m.FullName, m.Relation, m.IdCardNumber, m.Health, m.LabourCapacity)).ToList(),
                phone, causes, income ?? 0, hasLabour ?? false, willing ?? false);
            HouseholdCard? card = null;
            try
            {
                card = HouseholdCard.Validate(input, today);
            }
            catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
            {
                foreach (var v in e.Violations)
                    Translate(v, members, heads, row);
            }

            if (card is null || village is null || income is null || hasLabour is null || willing is null || status is null
                || _errorsAddedOnThisThread != errorsBefore)
                return null;
            return new ImportedHousehold(key, village, card, status.Value, liftedYear, members.Select(m => m.Row.RowNumber).ToArray());
        }

        private VillageInfo? FindVillage(ImportRow row) => ResolveVillage(row, report: false);

        private VillageInfo? ReadVillage(ImportRow row) => ResolveVillage(row, report: true);

        private VillageInfo? ResolveVillage(ImportRow row, bool report)
        {
            var codeCell = Cell(row, HouseholdField.VillageCode);
            var town = Cell(row, HouseholdField.Town).Text.Trim();
            var name = Cell(row, HouseholdField.Village).Text.Trim();
            if (!codeCell.IsBlank)
            {
                var text = codeCell.Text.Trim();
                if (text.Length != 12 || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || !Ids.IsVillageCode(code))
                {
                    if (report)
                        Add(row, HouseholdField.VillageCode, "INVALID_VALUE", "must be the 12-digit statistical code of the village");
                    return null;
                }
                if (!villages.TryGetValue(code, out var village))
                {
                    if (report)
                        Add(row, HouseholdField.VillageCode, "VILLAGE_NOT_FOUND", "no village of the county has this code");
                    return null;
                }
                var consistent = true;
                if (town.Length > 0 && town != village.TownName)
                {
                    if (report)
                        Add(row, HouseholdField.Town, "VILLAGE_MISMATCH", $"the village code belongs to town '{village.TownName}'");
                    consistent = false;
                }
                if (name.Length > 0 && name != village.VillageName)
                {
                    if (report)
                        Add(row, HouseholdField.Village, "VILLAGE_MISMATCH", $"the village code belongs to village '{village.VillageName}'");
                    consistent = false;
                }
                return consistent ? village : null;
            }

            if (town.Length == 0 || name.Length == 0)
            {
                const string message = "give the village code, or both the town and the village name";
                var field = Has(HouseholdField.VillageCode) ? HouseholdField.VillageCode
                    : town.Length == 0 ? HouseholdField.Town
                    : HouseholdField.Village;
                if (report)
                    Add(row, field, "REQUIRED", message);
                return null;
            }

            BuildNameIndex();
            if (_byName!.TryGetValue((town, name), out var byName))
                return byName;
            if (!report)
                return null;
            if (!_townNames!.Contains(town))
                Add(row, HouseholdField.Town, "VILLAGE_NOT_FOUND", $"the county has no town named '{Shorten(town)}'");
            else
                Add(row, HouseholdField.Village, "VILLAGE_NOT_FOUND", $"town '{town}' has no village named '{Shorten(name)}'");
            return null;
        }

        private void BuildNameIndex()
        {
            if (_byName is not null)
                return;
            _byName = new Dictionary<(string, string), VillageInfo>();
            _townNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in villages.Values)
            {
                _byName.TryAdd((v.TownName.Trim(), v.VillageName.Trim()), v);
                _townNames.Add(v.TownName.Trim());
            }
        }

        private List<PovertyCause> ReadCauses(ImportRow row)
        {
            var cell = Cell(row, HouseholdField.PovertyCauses);
            if (!HouseholdLabels.TryParseCauses(cell.Text, out var causes, out var unknown))
            {
                Add(row, HouseholdField.PovertyCauses, "INVALID_VALUE",
                    $"'{Shorten(string.Join("、", unknown))}' {(unknown.Count == 1 ? "is not a cause" : "are not causes")} of poverty; " +
                    $"use {HouseholdLabels.Causes.Expected}, several separated by 、 , ; or |");
            }
            return causes;
        }

        private long? ReadIncome(ImportRow row)
        {
            var cell = Cell(row, HouseholdField.PerCapitaIncomeYuan);
            if (cell.IsBlank)
            {
                Add(row, HouseholdField.PerCapitaIncomeYuan, "REQUIRED", "give the yearly per-capita net income in yuan, e.g. 3560.50");
                return null;
            }
            if (TryReadFen(cell, out var fen))
                return fen;
            // A number too large to hold in fen is wrong for its size, not its form: the same reason as a large one that fits.
            if (double.TryParse(cell.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var yuan) && double.IsFinite(yuan)
                && Math.Abs(yuan) * 100 > HouseholdCard.MaxIncomeFen)
            {
                if (yuan < 0)
                    Add(row, HouseholdField.PerCapitaIncomeYuan, "NEGATIVE", "must not be negative");
                else
                    Add(row, HouseholdField.PerCapitaIncomeYuan, "OUT_OF_RANGE", $"is implausibly large: at most {HouseholdCard.MaxIncomeFen / 100:N0} yuan");
                return null;
            }
            Add(row, HouseholdField.PerCapitaIncomeYuan, "INVALID_AMOUNT",
                "must be an amount in yuan with at most 2 decimals and no thousands separators, e.g. 3560.50");
            return null;
        }

        private bool? ReadBoolean(ImportRow row, HouseholdField field, string what)
        {
            var cell = Cell(row, field);
            if (HouseholdLabels.TryParseBoolean(cell.Text, out var value))
                return value;
            if (cell.IsBlank)
                Add(row, field, "REQUIRED", $"give {what}: {HouseholdLabels.BooleanExpected}");
            else
                Add(row, field, "INVALID_VALUE", $"must be {HouseholdLabels.BooleanExpected}");
            return null;
        }

        private (HouseholdStatus? Status, int? LiftedYear) ReadStatus(ImportRow row)
        {
            var statusCell = Cell(row, HouseholdField.Status);
            var yearCell = Cell(row, HouseholdField.LiftedYear);
            var status = HouseholdStatus.Poor;
            if (!statusCell.IsBlank && !HouseholdLabels.Statuses.TryParse(statusCell.Text, out status))
            {
                Add(row, HouseholdField.Status, "INVALID_VALUE",
                    $"'{Shorten(statusCell.Text)}' is not a household status; use {HouseholdLabels.Statuses.Expected} (empty means 贫困户)");
                return (null, null);
            }

            if (status == HouseholdStatus.Poor)
            {
                if (yearCell.IsBlank)
                    return (status, null);
                Add(row, HouseholdField.LiftedYear, "NOT_ALLOWED", "must be empty for a household that is still poor (贫困户)");
                return (null, null);
            }

            // Lifted, or lifted and at risk of relapse: both keep the year they were lifted (the database insists too).
            if (yearCell.IsBlank)
            {
                if (Has(HouseholdField.LiftedYear))
                    Add(row, HouseholdField.LiftedYear, "REQUIRED", $"give the year the household was lifted out of poverty ({HouseholdLabels.Statuses.Label(status)})");
                else
                    Add(row, HouseholdField.Status, "LIFTED_YEAR_REQUIRED", "a lifted household needs the year it was lifted: add a 脱贫年度 (lifted_year) column");
                return (null, null);
            }
            var yearText = yearCell.Text.Trim().TrimEnd('年');
            if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            {
                Add(row, HouseholdField.LiftedYear, "INVALID_VALUE", "must be a year such as 2019");
                return (null, null);
            }
            if (year < HouseholdRules.FirstLiftedYear || year > today.Year)
            {
                Add(row, HouseholdField.LiftedYear, "OUT_OF_RANGE", $"must be between {HouseholdRules.FirstLiftedYear} and {today.Year}");
                return (null, null);
            }
            return (status, year);
        }

        /// <summary>Household values are read from the head's row; another row may leave them empty or repeat them.</summary>
        private void CheckSameAsHead(ImportRow head, ImportRow other)
        {
            foreach (var field in HouseholdLevelFields)
            {
                var cell = Cell(other, field);
                if (cell.IsBlank)
                    continue;
                var headCell = Cell(head, field);
                if (headCell.IsBlank && field == HouseholdField.Status)
                    headCell = new ImportCell(HouseholdLabels.Label(HouseholdStatus.Poor));
                if (headCell.IsBlank)
                {
                    Add(other, field, "HOUSEHOLD_VALUE_MISMATCH",
                        $"the head's row (row {head.RowNumber}) leaves this empty; household values are read from the head's row");
                }
                else if (Canonical(field, cell) != Canonical(field, headCell))
                {
                    Add(other, field, "HOUSEHOLD_VALUE_MISMATCH",
                        $"differs from the head's row (row {head.RowNumber}); household values are read from the head's row, so leave it empty or repeat the same value");
                }
            }
        }

        /// <summary>A form in which two spellings of the same value compare equal (是 and Y, 因病、因残 and 因残,因病).</summary>
        private static string Canonical(HouseholdField field, ImportCell cell)
        {
            var text = cell.Text.Trim();
            switch (field)
            {
                case HouseholdField.Phone when PhoneNumber.TryNormalize(text, out var phone, out _):
                    return phone;
                case HouseholdField.PovertyCauses when HouseholdLabels.TryParseCauses(text, out var causes, out _):
                    return string.Join(",", causes.Distinct().Order());
                case HouseholdField.PerCapitaIncomeYuan when TryReadFen(cell, out var fen):
                    return fen.ToString(CultureInfo.InvariantCulture);
                case HouseholdField.HasLabourCapacity or HouseholdField.WillingToRunIndustry when HouseholdLabels.TryParseBoolean(text, out var b):
                    return b ? "1" : "0";
                case HouseholdField.Status when HouseholdLabels.Statuses.TryParse(text, out var status):
                    return ((int)status).ToString(CultureInfo.InvariantCulture);
                case HouseholdField.LiftedYear:
                    return text.TrimEnd('年');
                default:
                    return text;
            }
        }

        /// <summary>Places a violation of <see cref="HouseholdCard.Validate"/> on the row and column it came from.</summary>
        private void Translate(FieldViolation v, List<Member> members, List<Member> heads, ImportRow headRow)
        {
            const string prefix = "members[";
            if (v.Field.StartsWith(prefix, StringComparison.Ordinal))
            {
                var close = v.Field.IndexOf(']', StringComparison.Ordinal);
                if (close > prefix.Length
                    && int.TryParse(v.Field.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                    && index < members.Count)
                {
                    var row = members[index].Row;
                    var field = v.Field[(close + 1)..] switch
                    {
                        ".full_name" => HouseholdField.FullName,
                        ".relation" => HouseholdField.Relation,
                        ".id_card_number" => HouseholdField.IdCardNumber,
                        ".health" => HouseholdField.Health,
                        ".labour_capacity" => HouseholdField.LabourCapacity,
                        _ => HouseholdField.HouseholdKey,
                    };
                    AddUnlessFlagged(row, field, v.Reason, v.Description);
                    return;
                }
            }

            switch (v.Field, v.Reason)
            {
                case ("members", "MULTIPLE_HEADS"):
                    foreach (var h in heads)
                    {
                        AddUnlessFlagged(h.Row, HouseholdField.Relation, v.Reason,
                            $"the household has {heads.Count} members with relation 户主 (HEAD); exactly one member is the head");
                    }
                    return;
                case ("members", "HEAD_REQUIRED"):
                    AddUnlessFlagged(members[0].Row, HouseholdField.Relation, v.Reason,
                        "no member of this household has relation 户主 (HEAD); exactly one member is the head");
                    return;
                case ("members", "TOO_MANY"):
                    AddUnlessFlagged(members[Math.Min(HouseholdCard.MaxMembers, members.Count - 1)].Row, HouseholdField.HouseholdKey, v.Reason,
                        $"a household has at most {HouseholdCard.MaxMembers} members; this one has {members.Count}");
                    return;
                case ("phone", _):
                    AddUnlessFlagged(headRow, HouseholdField.Phone, v.Reason, PhoneNumber.Describe(PhoneNumber.FormatReason));
                    return;
                case ("poverty_causes", "DUPLICATE"):
                    AddUnlessFlagged(headRow, HouseholdField.PovertyCauses, v.Reason, "lists the same cause twice");
                    return;
                case ("poverty_causes", _):
                    AddUnlessFlagged(headRow, HouseholdField.PovertyCauses, v.Reason,
                        $"give at least one cause of poverty: {HouseholdLabels.Causes.Expected}");
                    return;
                case ("per_capita_income_fen", "OUT_OF_RANGE"):
                    AddUnlessFlagged(headRow, HouseholdField.PerCapitaIncomeYuan, v.Reason,
                        $"is implausibly large: more than {HouseholdCard.MaxIncomeFen / 100:N0} yuan per person a year");
                    return;
                case ("per_capita_income_fen", _):
                    AddUnlessFlagged(headRow, HouseholdField.PerCapitaIncomeYuan, v.Reason, v.Description);
                    return;
                case ("has_labour_capacity", _):
                    AddUnlessFlagged(headRow, HouseholdField.HasLabourCapacity, v.Reason,
                        "says 是 (yes) but no member has labour capacity (every member is 无劳动力)");
                    return;
                default:
                    AddUnlessFlagged(headRow, HouseholdField.HouseholdKey, v.Reason, $"{v.Field}: {v.Description}");
                    return;
            }
        }

        // ---- plumbing ----

        private bool Has(HouseholdField field) => _columnOf[(int)field] != NoColumn;

        private ImportCell Cell(ImportRow row, HouseholdField field) =>
            _columnOf[(int)field] is var c and not NoColumn ? row[c] : ImportCell.Empty;

        private void Add(ImportRow row, HouseholdField field, string reason, string message) =>
            AddAt(row.RowNumber, _columnOf[(int)field], reason, message);

        /// <summary>The domain reports a value the parser could not read as missing; the parser's own message says more.</summary>
        private void AddUnlessFlagged(ImportRow row, HouseholdField field, string reason, string message)
        {
            bool flagged;
            lock (_errorsLock)
                flagged = _flaggedCells.Contains((row.RowNumber, _columnOf[(int)field]));
            if (!flagged)
                Add(row, field, reason, message);
        }

        private void AddAt(int row, int column, string reason, string message)
        {
            var header = column == NoColumn ? ""
                : column < _headers.Length && _headers[column].Length > 0 ? _headers[column]
                : ImportFileReader.ColumnLetters(column);
            _errorsAddedOnThisThread++;
            lock (_errorsLock)
            {
                _flaggedCells.Add((row, column));
                _errors.Add((new ImportError(row, header, reason, message), column, _errorSeq++));
            }
        }

        private static bool TryReadFen(ImportCell cell, out long fen) =>
            cell.IsNumber ? Yuan.TryParseSpreadsheetNumberFen(cell.Text, out fen) : Yuan.TryParseFen(cell.Text, out fen);

        private static bool IsExactInteger(string text)
        {
            var s = text.Trim();
            if (s.Length == 0 || s.Any(c => !char.IsAsciiDigit(c)))
                return false;
            var stored = double.Parse(s, CultureInfo.InvariantCulture);
            return new BigInteger(stored).ToString(CultureInfo.InvariantCulture) == s.TrimStart('0').PadLeft(1, '0');
        }

        /// <summary>Echoes what the user wrote in a message, but not a whole paragraph of it.</summary>
        private static string Shorten(string text)
        {
            var s = text.Trim();
            return s.Length <= 40 ? s : s[..40] + "…";
        }
    }
}
