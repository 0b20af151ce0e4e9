function Get-CmTsDemoCatalogPath {
    <#
    .SYNOPSIS
    The demo site's catalog shipped with the module (module/Demo/site.json).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    [System.IO.Path]::Combine($script:ModuleBase, 'module', 'Demo', 'site.json')
}
