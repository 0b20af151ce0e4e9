function Resolve-CmTsEnginePath {
    <#
    .SYNOPSIS
    Finds the engine executable: $env:CMTSMEDIA_ENGINE, then <ModuleBase>/bin/<rid>/ (dist layout),
    then <ModuleBase>/dist/bin/<rid>/ (source checkout). Returns $null when none exists.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    if ($env:CMTSMEDIA_ENGINE) { return $env:CMTSMEDIA_ENGINE }
    $rid = Get-CmTsRuntimeId
    $name = 'cmtsmedia-engine'
    if ($rid -like 'win-*') { $name = 'cmtsmedia-engine.exe' }
    foreach ($folder in 'bin', 'dist/bin') {
        $path = [System.IO.Path]::Combine($script:ModuleBase, $folder, $rid, $name)
        if (Test-Path -LiteralPath $path -PathType Leaf) {
            if ($rid -notlike 'win-*') { Enable-CmTsExecutable -Path $path }
            return $path
        }
    }
    $null
}
