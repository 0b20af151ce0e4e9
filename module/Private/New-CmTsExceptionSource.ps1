function New-CmTsExceptionSource {
    <#
    .SYNOPSIS
    Generates the C# source of the CmTsMedia exception types from the error table rows.
    .DESCRIPTION
    One base (CmTsMedia.CmTsMediaException), one class per distinct 'group' deriving from it, one class
    per row ('type') deriving from its group, HResult set from the row. A row whose type is its own
    group (ConnectionOptionsException) becomes that group class. C# 5 only: Windows PowerShell 5.1
    compiles Add-Type sources with CodeDom.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [object[]] $Rows
    )

    $base = 'CmTsMediaException'
    $identifier = '^[A-Za-z_][A-Za-z0-9_]*$'
    $literal = {
        param([string] $Text)
        '"' + $Text.Replace('\', '\\').Replace('"', '\"') + '"'
    }

    $sb = New-Object System.Text.StringBuilder
    [void]$sb.AppendLine('// Generated at import by New-CmTsExceptionSource from errors.json. Do not edit.')
    [void]$sb.AppendLine('namespace CmTsMedia')
    [void]$sb.AppendLine('{')
    [void]$sb.AppendLine(@"
    public class $base : System.Exception
    {
        public $base() : base() { }
        public $base(string message) : base(message) { }
        public $base(string message, System.Exception innerException) : base(message, innerException) { }
        protected $base(string message, string errorCode, int hresult, string errorDetail, string operationId, System.Exception innerException)
            : base(message, innerException)
        {
            HResult = hresult;
            ErrorCode = errorCode;
            ErrorDetail = errorDetail;
            OperationId = operationId;
        }
        /// <summary>The symbolic code from the error table, e.g. CREATETSMEDIA_E_MISSINGPACKAGE.</summary>
        public string ErrorCode { get; private set; }
        /// <summary>The SDK's ErrorDetail: the value that fills {0} of the message.</summary>
        public string ErrorDetail { get; private set; }
        public string OperationId { get; set; }
    }
"@)

    $rowByType = @{}
    foreach ($row in $Rows) {
        # The generated source must stay well-formed whatever the table holds.
        if ($row.type -notmatch $identifier -or $row.group -notmatch $identifier -or $row.hresult -notmatch '^0x[0-9A-Fa-f]{8}$') {
            $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord (
                (New-Object System.IO.InvalidDataException ("errors.json row {0}: type, group or hresult is malformed." -f $row.code)),
                'CmTsMediaErrorTableInvalid', 'InvalidData', $row)))
        }
        $rowByType[$row.type] = $row
    }

    $groups = @($Rows | ForEach-Object { $_.group } | Where-Object { $_ -ne $base } | Select-Object -Unique)
    foreach ($group in $groups) {
        [void]$sb.AppendLine(@"
    public class $group : $base
    {
        public $group() : base() { }
        public $group(string message) : base(message) { }
        protected $group(string message, string errorCode, int hresult, string errorDetail, string operationId, System.Exception innerException)
            : base(message, errorCode, hresult, errorDetail, operationId, innerException) { }
"@)
        if ($rowByType.ContainsKey($group)) {
            $row = $rowByType[$group]
            [void]$sb.AppendLine(@"
        public $group(string message, string errorDetail, string operationId, System.Exception innerException)
            : base(message, $(& $literal $row.code), unchecked((int)$($row.hresult)), errorDetail, operationId, innerException) { }
"@)
        }
        [void]$sb.AppendLine('    }')
    }

    foreach ($row in $Rows) {
        if ($groups -contains $row.type) { continue }
        $type = $row.type
        [void]$sb.AppendLine(@"
    public class $type : $($row.group)
    {
        public $type() : this($(& $literal ($row.message.Replace('{0}', '').Replace('  ', ' ').Replace(': .', '.').TrimEnd(' ', ':'))), null, null, null) { }
        public $type(string message) : this(message, null, null, null) { }
        public $type(string message, string errorDetail, string operationId, System.Exception innerException)
            : base(message, $(& $literal $row.code), unchecked((int)$($row.hresult)), errorDetail, operationId, innerException) { }
    }
"@)
    }
    [void]$sb.AppendLine('}')
    $sb.ToString()
}
