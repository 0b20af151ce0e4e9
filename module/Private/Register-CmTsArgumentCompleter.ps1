function Register-CmTsArgumentCompleter {
    <#
    .SYNOPSIS
    Registers tab completion: -BootImageId, -ManagementPoint and -DistributionPoint from the site
    catalog, -OperationId from the state folder, -DestinationPath with UFD+FORMAT from the removable disks.
    .DESCRIPTION
    -BootImageId (New-CMBootMedia, Get-CMBootMediaImage), -ManagementPoint and -DistributionPoint
    (New-CMBootMedia): the catalog the command would use, read through a cache
    (Get-CmTsCatalogCompletion). -OperationId (Get-/Remove-CMBootMediaStatus):
    the status files, newest first (Get-CmTsOperationRecord). -DestinationPath (New-CMBootMedia) with
    -MediaType UFD+FORMAT (or Usb -FormatMedia): removable and USB disks only (Get-CmTsRemovableDisk);
    other media types get PowerShell's file completion. No completer starts the engine; each prints
    nothing and completes nothing when anything fails. The script blocks are created in the module's
    scope, so they see its private functions without a closure.
    #>
    [CmdletBinding()]
    param()

    $script:CatalogCompletionCache = @{}
    $catalogEntries = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        Get-CmTsCatalogCompletion -ParameterName $parameterName -WordToComplete $wordToComplete -BoundParameters $fakeBoundParameters
    }
    $operations = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        try {
            $word = ([string]$wordToComplete).Trim("'", '"')
            foreach ($record in (Get-CmTsOperationRecord)) {
                $id = [string]$record.operationId
                if ($id -notlike ($word + '*')) { continue }
                $started = ConvertFrom-CmTsDate -Value $record.startedAt
                $tip = '{0}, started {1:yyyy-MM-dd HH:mm} (local), {2} {3}' -f $record.state, $started.ToLocalTime(), $record.mediaType, $record.destinationPath
                New-Object System.Management.Automation.CompletionResult ($id, $id, 'ParameterValue', $tip)
            }
        }
        catch { return }
    }
    $disks = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        try {
            if (-not $fakeBoundParameters.ContainsKey('MediaType')) { return }
            $type = ConvertTo-CmTsMediaType -MediaType ([string]$fakeBoundParameters['MediaType']) -FormatMedia:([bool]$fakeBoundParameters['FormatMedia'])
            if ($type -ne 'UFD+FORMAT') { return }
            $word = ([string]$wordToComplete).Trim("'", '"')
            foreach ($disk in (Get-CmTsRemovableDisk)) {
                if ($disk.Path -notlike ($word + '*')) { continue }
                New-Object System.Management.Automation.CompletionResult ($disk.Path, $disk.Path, 'ParameterValue', $disk.Description)
            }
        }
        catch { return }
    }
    foreach ($command in 'New-CMBootMedia', 'Get-CMBootMediaImage') { Register-ArgumentCompleter -CommandName $command -ParameterName 'BootImageId' -ScriptBlock $catalogEntries }
    foreach ($parameter in 'ManagementPoint', 'DistributionPoint') { Register-ArgumentCompleter -CommandName 'New-CMBootMedia' -ParameterName $parameter -ScriptBlock $catalogEntries }
    foreach ($command in 'Get-CMBootMediaStatus', 'Remove-CMBootMediaStatus') { Register-ArgumentCompleter -CommandName $command -ParameterName 'OperationId' -ScriptBlock $operations }
    Register-ArgumentCompleter -CommandName 'New-CMBootMedia' -ParameterName 'DestinationPath' -ScriptBlock $disks
}
