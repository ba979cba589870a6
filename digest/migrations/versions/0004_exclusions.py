"""chats' exclusions: chats.excluded_topics and chats.excluded_keywords (issue #17)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Chats stored before this revision exclude nothing: "[]" (a JSON list) by default.
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("excluded_topics", sa.Text(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("excluded_keywords", sa.Text(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_column("excluded_keywords")
        batch_op.drop_column("excluded_topics")
