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
