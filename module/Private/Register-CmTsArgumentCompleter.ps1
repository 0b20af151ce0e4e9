function Register-CmTsArgumentCompleter {
    <#
    .SYNOPSIS
    Registers tab completion of New-CMBootMedia -BootImageId from the boot images of the site catalog.
    .DESCRIPTION
    The completer only reads the catalog file (the demo catalog with -Demo, else -SiteCatalog or the
    default chain); it never starts the engine. Any failure completes nothing.
    #>
    [CmdletBinding()]
    param()

    $demoCatalog = [System.IO.Path]::Combine($script:ModuleBase, 'module', 'Demo', 'site.json')
    $completer = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        try {
            $catalog = $null
            if ($fakeBoundParameters.ContainsKey('Demo')) { $catalog = $demoCatalog }
            elseif ($fakeBoundParameters.ContainsKey('SiteCatalog')) {
                $catalog = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($fakeBoundParameters['SiteCatalog'])
            }
            elseif ($env:CMTSMEDIA_SITE_CATALOG) { $catalog = $env:CMTSMEDIA_SITE_CATALOG }
            if (-not $catalog -or -not (Test-Path -LiteralPath $catalog -PathType Leaf)) { return }
            $site = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($catalog, [System.Text.Encoding]::UTF8))
            foreach ($image in @($site.bootImages)) {
                $id = [string]$image.packageId
                if ($id -like ($wordToComplete + '*')) {
                    $tip = '{0} ({1})' -f $image.name, $image.architecture
                    New-Object System.Management.Automation.CompletionResult ($id, $id, 'ParameterValue', $tip)
                }
            }
        }
        catch {
            return
        }
    }.GetNewClosure()
    Register-ArgumentCompleter -CommandName 'New-CMBootMedia' -ParameterName 'BootImageId' -ScriptBlock $completer
}
