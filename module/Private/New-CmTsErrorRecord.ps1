function New-CmTsErrorRecord {
    <#
    .SYNOPSIS
    Builds the ErrorRecord for one error-table code: typed exception, ErrorId = code, category, target.
    .DESCRIPTION
    The message is the engine's message (the row's template with {0} filled from Detail when the engine
    gave none) followed by the row's action; ErrorDetails.RecommendedAction carries the action alone.
    ErrorId is the code; PowerShell appends ',<command>' when the record is written by a command, so the
    FullyQualifiedErrorId reads e.g. 'CREATETSMEDIA_E_MISSINGPACKAGE,New-CMBootMedia'.
    A code missing from the table (a newer engine) keeps its ErrorId but gets the E_UNEXPECTED type.
    .PARAMETER Context
    The request's resolved paths (DestinationPath, SiteCatalog, CertificatePath) for the TargetObject.
    .PARAMETER Data
    The engine error's data (docs/protocol.md): each entry goes into the exception's Data dictionary,
    and its "reason", where there is one, into the message shown (ErrorDetails).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Code,

        [AllowEmptyString()]
        [AllowNull()]
        [string] $Detail = '',

        [AllowEmptyString()]
        [AllowNull()]
        [string] $Message,

        [object] $TargetObject,

        [hashtable] $Context = @{},

        [AllowEmptyString()]
        [AllowNull()]
        [string] $OperationId,

        [System.Exception] $InnerException,

        [psobject] $Data
    )

    $row = $script:ErrorByCode[$Code]
    if ($null -eq $row) {
        $row = $script:ErrorByCode['E_UNEXPECTED']
        if (-not $Message) { $Message = 'Unknown error code {0}: {1}' -f $Code, $Detail }
    }
    if (-not $Message) { $Message = $row.message.Replace('{0}', [string]$Detail) }

    if ($PSBoundParameters.ContainsKey('TargetObject') -eq $false) {
        $TargetObject = Get-CmTsErrorTarget -Row $row -Detail $Detail -Context $Context
    }

    # Users see their parameters' names (-ImageSize), never the engine's (imageSizeBytes).
    $sentence = (ConvertTo-CmTsParameterText -Text $Message).TrimEnd()
    if ($sentence -notmatch '[.!?]$') { $sentence += '.' }
    $text = $sentence + ' ' + $row.action
    $exception = New-Object -TypeName ('CmTsMedia.' + $row.type) -ArgumentList $text, $Detail, $OperationId, $InnerException
    $reason = $null
    if ($null -ne $Data) {
        foreach ($property in $Data.PSObject.Properties) { $exception.Data[$property.Name] = $property.Value }
        if ($Data.PSObject.Properties['reason'] -and $Data.reason -is [string]) { $reason = [string]$Data.reason }
    }
    $record = New-Object System.Management.Automation.ErrorRecord ($exception, $Code,
        [System.Management.Automation.ErrorCategory]$row.category, $TargetObject)
    # PowerShell 7 shows RecommendedAction under the message ("Recommendation: ..."); 5.1 shows only the
    # message, so there it keeps the action too.
    $said = $sentence
    if ($reason) { $said = '{0} ({1}).' -f $sentence.TrimEnd('.'), $reason }
    $shown = $said + ' ' + $row.action
    if ($PSVersionTable.PSVersion.Major -ge 7) { $shown = $said }
    $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails ($shown)
    $record.ErrorDetails.RecommendedAction = $row.action
    $record
}
