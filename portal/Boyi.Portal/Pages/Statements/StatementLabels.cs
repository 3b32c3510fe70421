using Boyi.Contracts.V1;

namespace Boyi.Portal.Pages.Statements;

/// <summary>Words shared by the statement pages.</summary>
public static class StatementLabels
{
    public static string State(StatementState s) => s switch
    {
        StatementState.Current => Lang.T("有效", "Current"),
        StatementState.Superseded => Lang.T("已作废（已重新出具）", "Superseded (reissued)"),
        _ => "",
    };

    /// <summary>The number of `statements/{number}`: what the page's address and the paper show.</summary>
    public static string NumberOf(string name) => name[(name.IndexOf('/') + 1)..];
}
