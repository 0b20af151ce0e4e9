function ConvertTo-CmTsSiteCredential {
    <#
    .SYNOPSIS
    The credential for the SMS Provider: -Credential, else the SDK connection options' Username/Domain/Password.
    .DESCRIPTION
    The SDK's ConnectionOptions (ITsMediaClass::ConnectionOptions, IWbemLocator::ConnectServer) name the
    user as Username plus an optional Domain (joined as Domain\Username) and its Password; Authority
    'ntlmdomain:<domain>' also gives the domain. Returns $null when neither names a user: the signed-in
    user's credentials are used then. The password becomes a SecureString at once and is never written.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSCredential])]
    param(
        [System.Management.Automation.PSCredential] $Credential,

        [hashtable] $ConnectionOptions
    )

    if ($Credential) { return $Credential }
    if (-not $ConnectionOptions) { return $null }
    $options = @{}
    foreach ($key in $ConnectionOptions.Keys) { $options[([string]$key).ToLowerInvariant()] = [string]$ConnectionOptions[$key] }
    if (-not $options['username']) { return $null }
    $user = $options['username']
    $domain = $options['domain']
    if (-not $domain -and $options['authority'] -match '^ntlmdomain:(.+)$') { $domain = $Matches[1] }
    if ($domain -and $user -notmatch '[\\@]') { $user = $domain + '\' + $user }
    $password = New-Object System.Security.SecureString
    foreach ($c in ([string]$options['password']).ToCharArray()) { $password.AppendChar($c) }
    $password.MakeReadOnly()
    New-Object System.Management.Automation.PSCredential ($user, $password)
}
