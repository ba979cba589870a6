"""chats' own feeds: feeds.public, the chat_feeds and chat_feed_quotas tables (issue #16)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every feed that exists before this revision was configured by the operator.
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "chat_feeds",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("feed_url", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=True),
        sa.Column("told_disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "chat_id", "feed_url"),
    )
    op.create_index("ix_chat_feeds_feed_url", "chat_feeds", ["feed_url"], unique=False)
    op.create_table(
        "chat_feed_quotas",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("max_feeds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "chat_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_feed_quotas")
    op.drop_index("ix_chat_feeds_feed_url", table_name="chat_feeds")
    op.drop_table("chat_feeds")
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("public")
