function Get-CmTsRuntimeId {
    <#
    .SYNOPSIS
    The engine's runtime id for this machine: linux-x64, linux-arm64, win-x64 or darwin-arm64.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()

    # Windows PowerShell 5.1 may run on a .NET Framework without RuntimeInformation: use the environment there.
    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
        $arch = 'x64'
        if ($env:PROCESSOR_ARCHITECTURE -eq 'ARM64') { $arch = 'arm64' }
        return 'win-{0}' -f $arch
    }
    $os = 'linux'
    if ([System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::OSX)) { $os = 'darwin' }
    $arch = 'x64'
    if ([string][System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { $arch = 'arm64' }
    '{0}-{1}' -f $os, $arch
}

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

function Enable-CmTsExecutable {
    <#
    .SYNOPSIS
    Sets the execute bits of the engine when a package manager dropped them.
    .DESCRIPTION
    A .nupkg is a ZIP file and NuGet extracts it without Unix file modes, so the engine installed by
    Install-PSResource is not executable (docs/build.md, "Packages"). Best effort: when the folder is
    not the user's to change, starting the engine reports CMTSMEDIA_E_ENGINEFAILED as before.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [string] $Path
    )

    try {
        $execute = [System.IO.UnixFileMode]'UserExecute, GroupExecute, OtherExecute'
        $mode = [System.IO.File]::GetUnixFileMode($Path)
        if (($mode -band [System.IO.UnixFileMode]::UserExecute) -eq 0) { [System.IO.File]::SetUnixFileMode($Path, $mode -bor $execute) }
    }
    catch {
        # .NET before 7 (PowerShell 7.2) has no UnixFileMode: chmod does the same (or fails the same way).
        $null = & chmod a+x $Path 2>&1
    }
}
