function ConvertTo-CmTsSiteError {
    <#
    .SYNOPSIS
    Turns a web cmdlet failure into the typed error that says what to do (docs/live-site.md, "Errors").
    .DESCRIPTION
    HTTP 401 is CMTSMEDIA_E_SITEAUTH, 403 CMTSMEDIA_E_SITEACCESSDENIED, any other HTTP status
    CMTSMEDIA_E_SITEREPLY; no answer at all (refused, name not found, TLS failure, timeout) is
    CMTSMEDIA_E_SITEUNREACHABLE. The detail names the URL. Works with PowerShell 7's
    HttpResponseException / HttpRequestException / TaskCanceledException and 5.1's WebException.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.ErrorRecord] $ErrorRecord,

        [Parameter(Mandatory = $true)]
        [string] $Uri,

        [int] $TimeoutSeconds
    )

    $exception = $ErrorRecord.Exception
    $status = 0
    $responseProperty = $exception.PSObject.Properties['Response']
    if ($responseProperty -and $null -ne $responseProperty.Value) { $status = [int]$responseProperty.Value.StatusCode }
    switch ($status) {
        0 { }
        401 { return New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEAUTH' -Detail $Uri -TargetObject $Uri -InnerException $exception }
        403 { return New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEACCESSDENIED' -Detail $Uri -TargetObject $Uri -InnerException $exception }
        404 {
            $detail = '{0} answered HTTP 404 (not found): is this host a management point, and the URL the AdminService''s https://<provider FQDN>/AdminService?' -f $Uri
            return New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail $detail -TargetObject $Uri -InnerException $exception
        }
        default { return New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEREPLY' -Detail ('{0} answered HTTP {1}' -f $Uri, $status) -TargetObject $Uri -InnerException $exception }
    }
    # No HTTP answer: say why, from the innermost exception (5.1 wraps it in WebException with a Status).
    $reason = $exception
    $timedOut = $false
    for ($e = $exception; $null -ne $e; $e = $e.InnerException) {
        if ($e -is [System.TimeoutException] -or $e -is [System.Threading.Tasks.TaskCanceledException]) { $timedOut = $true }
        if ($e -is [System.Net.WebException] -and $e.Status -eq [System.Net.WebExceptionStatus]::Timeout) { $timedOut = $true }
        $reason = $e
    }
    if ($timedOut) { $detail = '{0}: no answer within {1} s' -f $Uri, $TimeoutSeconds }
    else { $detail = '{0}: {1}' -f $Uri, $reason.Message.TrimEnd('.') }
    New-CmTsErrorRecord -Code 'CMTSMEDIA_E_SITEUNREACHABLE' -Detail $detail -TargetObject $Uri -InnerException $exception
}
