/** Made-up secrets of the kinds Warden masks; none may be stored or served in clear. */
export const PLANTED_SECRETS = {
  'aws-access-key': 'AKIA4QWERTYUIOPASDFG',
  'aws-secret-key': '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',
  'github-token': 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'slack-token': 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'openai-key': 'sk-proj-Ab3dEf7hIj1kLmN0pQr5tUv9wXyZ2aBc4dEf6gHi',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'private-key':
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDwq7ZzK2Vm1a9Lq0TQ8h4bR2cWm5n3x',
  'stripe-key': 'sk_live_51H8aBcDeFgHiJkLmNoPqRsT',
  'database-url': 'S3cretPass!9x',
  'anthropic-key': 'sk-ant-api03-Zx81kd93jd02mdK29dk3mdK2aQ9xLm4T',
} as const;
