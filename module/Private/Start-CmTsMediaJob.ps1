function Start-CmTsMediaJob {
    <#
    .SYNOPSIS
    New-CMBootMedia -AsJob: a CmTsMedia.BootMediaJob that runs New-CMBootMedia again in its own
    runspace, with everything already resolved and confirmed (docs/module.md "Jobs").
    .DESCRIPTION
    The job gets the caller's bound parameters that it needs, with the paths as this session resolved
    them (the job's runspace has no current location of the caller's) and -Confirm:$false. Returns the job.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # The caller's $PSBoundParameters.
        [Parameter(Mandatory = $true)]
        [hashtable] $Bound,

        # The engine's request as New-CmTsMediaRequest built it (resolved paths).
        [Parameter(Mandatory = $true)]
        [hashtable] $Request
    )

    $forward = @{
        MediaType       = $Request['mediaType']
        DestinationPath = $Request['destinationPath']
        BootImageId     = $Request['bootImageId']
        SiteCatalog     = $Request['siteCatalog']
        Confirm         = $false
    }
    foreach ($name in 'MediaPassword', 'CertificatePassword', 'CertificateValidStart', 'CertificateValidEnd', 'MediaLabel', 'Variable', 'ConnectionOptions', 'Force', 'ImageSize', 'Verbose', 'Debug', 'WarningAction', 'InformationAction',
        'MediaMode', 'ManagementPoint', 'DistributionPoint', 'AllowUnknownMachine', 'AllowUnattended', 'PrestartCommand', 'NoPrompt', 'BootEx', 'Register') {
        if ($Bound.ContainsKey($name)) { $forward[$name] = $Bound[$name] }
    }
    if ($Request['prestartFolder']) { $forward['PrestartFolder'] = $Request['prestartFolder'] }
    if ($Request['certificatePath']) { $forward['CertificatePath'] = $Request['certificatePath'] }
    if ($Request['logPath']) { $forward['LogPath'] = $Request['logPath'] }
    $manifest = [System.IO.Path]::Combine($script:ModuleBase, 'CmTsMedia.psd1')
    $command = 'New-CMBootMedia -MediaType {0} -DestinationPath {1} -BootImageId {2}' -f $Request['mediaType'], $Request['destinationPath'], $Request['bootImageId']
    $job = New-Object CmTsMedia.BootMediaJob ($command, '', $manifest, $forward)
    $Cmdlet.JobRepository.Add($job)
    $job.StartJob()
    $job
}
