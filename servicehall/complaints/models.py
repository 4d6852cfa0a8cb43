"""Complaints (CMP-1 … CMP-8, INQ-3): register by every channel, answer within the policy's working days, follow until concluded."""
