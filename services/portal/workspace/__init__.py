"""The counsellor's workspace (queue, intake, a person's matches and pipeline) and the employer's candidates."""
