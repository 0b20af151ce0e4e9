function ConvertTo-CmTsParameterText {
    <#
    .SYNOPSIS
    An engine message with the engine's parameter names (imageSizeBytes) replaced by the parameters the
    user typed (-ImageSize).
    .DESCRIPTION
    The engine names its request parameters in camelCase (docs/protocol.md); a message shown to a user
    names the command's parameters instead. camelCase names are replaced wherever they stand as a word;
    one-word names (force, variables) only after "parameter", where they cannot be ordinary words.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowEmptyString()]
        [AllowNull()]
        [string] $Text
    )

    if (-not $Text) { return $Text }
    # The engine's parameter names (createBootMedia, describeDisk, getStatus, removeStatus, inspectMedia) and the
    # PowerShell parameters they come from. Longer names first, so operationIds is not read as operationId.
    $names = [ordered]@{
        certificateRenewalSeconds = '-CertificateRenewal'
        certificateValidStart = '-CertificateValidStart'
        certificateValidEnd   = '-CertificateValidEnd'
        certificatePassword   = '-CertificatePassword'
        certificatePath       = '-CertificatePath'
        connectionOptions     = '-ConnectionOptions'
        destinationPath       = '-DestinationPath'
        allowUnknownMachine   = '-AllowUnknownMachine'
        managementPoints      = '-ManagementPoint'
        distributionPoint     = '-DistributionPoint'
        allowUnattended       = '-AllowUnattended'
        prestartCommand       = '-PrestartCommand'
        prestartFolder        = '-PrestartFolder'
        imageSizeBytes        = '-ImageSize'
        mediaPassword         = '-MediaPassword'
        operationIds          = '-OperationId'
        operationId           = '-OperationId'
        bootImageId           = '-BootImageId'
        siteCatalog           = '-SiteCatalog'
        mediaLabel            = '-MediaLabel'
        mediaType             = '-MediaType'
        mediaMode             = '-MediaMode'
        noPrompt              = '-NoPrompt'
        bootEx                = '-BootEx'
        variables             = '-Variable'
        logPath               = '-LogPath'
        force                 = '-Force'
        path                  = '-Path'
    }
    foreach ($pair in $names.GetEnumerator()) {
        $name = [regex]::Escape($pair.Key)
        if ($pair.Key -cmatch '[A-Z]') { $Text = [regex]::Replace($Text, "(?<![\w-])$name(?!\w)", $pair.Value) }
        else { $Text = [regex]::Replace($Text, "(?<=\bparameter )$name(?!\w)", $pair.Value) }
    }
    $Text
}
