function Get-CmTsCatalogBootImage {
    <#
    .SYNOPSIS
    The bootImages entries of a catalog file, for tab completion: read with .NET only (no engine, no
    writes) and cached per file until its size or last write time changes. Returns @() on any failure.
    #>
    [CmdletBinding()]
    [OutputType([object[]])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    try {
        $file = New-Object System.IO.FileInfo ($Path)
        if (-not $file.Exists) { return , @() }
        $stamp = '{0}|{1}' -f $file.Length, $file.LastWriteTimeUtc.Ticks
        $cached = $script:CatalogCompletionCache[$file.FullName]
        if ($null -ne $cached -and $cached.Stamp -eq $stamp) { return , $cached.Images }
        $site = ConvertFrom-Json -InputObject ([System.IO.File]::ReadAllText($file.FullName, [System.Text.Encoding]::UTF8))
        $images = @($site.bootImages | Where-Object { $null -ne $_ -and $_.packageId })
        $script:CatalogCompletionCache[$file.FullName] = @{ Stamp = $stamp; Images = $images }
        return , $images
    }
    catch {
        return , @()
    }
}

function Register-CmTsArgumentCompleter {
    <#
    .SYNOPSIS
    Registers tab completion of -BootImageId (New-CMBootMedia, Get-CMBootMediaImage) from the site catalog.
    .DESCRIPTION
    The catalog is the one the command would use: the demo catalog with -Demo, else -SiteCatalog, else
    the default chain (environment variable, config file). The completer only reads that file, through a
    cache (Get-CmTsCatalogBootImage); it never starts the engine, prints nothing and completes nothing
    when anything fails. The script block is created in the module's scope, so it sees the module's
    private functions without a closure.
    #>
    [CmdletBinding()]
    param()

    $script:CatalogCompletionCache = @{}
    $completer = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        try {
            $catalog = $null
            if ($fakeBoundParameters.ContainsKey('Demo')) { $catalog = Get-CmTsDemoCatalogPath }
            elseif ($fakeBoundParameters.ContainsKey('SiteCatalog')) {
                $catalog = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath([string]$fakeBoundParameters['SiteCatalog'])
            }
            else { $catalog = Find-CmTsSiteCatalog -PathIntrinsics $ExecutionContext.SessionState.Path }
            if (-not $catalog) { return }
            $word = ([string]$wordToComplete).Trim("'", '"')
            foreach ($image in (Get-CmTsCatalogBootImage -Path $catalog)) {
                $id = [string]$image.packageId
                if ($id -like ($word + '*')) {
                    $tip = '{0} ({1})' -f $image.name, $image.architecture
                    New-Object System.Management.Automation.CompletionResult ($id, $id, 'ParameterValue', $tip)
                }
            }
        }
        catch {
            return
        }
    }
    foreach ($command in 'New-CMBootMedia', 'Get-CMBootMediaImage') {
        Register-ArgumentCompleter -CommandName $command -ParameterName 'BootImageId' -ScriptBlock $completer
    }
}
