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
