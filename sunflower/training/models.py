"""Courses (lessons and a quiz), which roles must take them, and each user's progress. A
passed quiz is the course's completion; a course with a refresher period must be passed again
when that period has run (docs/training.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunflower.accounts.roles import Role


class Course(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # Role values (accounts.roles.Role) that must pass the course; empty: optional for all.
    required_for = models.JSONField(default=list, blank=True)
    refresher_months = models.PositiveSmallIntegerField(
        default=12, help_text=_("Months a pass stays valid; 0: it never expires.")
    )
    pass_percent = models.PositiveSmallIntegerField(default=80)
    order = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def required_roles(self) -> list[Role]:
        return [Role(value) for value in self.required_for if value in Role.values]


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=_("Markdown"))

    class Meta:
        ordering = ["course", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()

    class Meta:
        ordering = ["course", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "pk"]

    def __str__(self) -> str:
        return self.text


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_completed"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.lesson}"


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    score_percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    # {question id: choice id} as answered, for the record and for review.
    answers = models.JSONField(default=dict)
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["user", "course", "passed", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.course} {self.score_percent}%"


class PracticeAttempt(models.Model):
    """A trainee's practice test in the training environment. Lives in the live database; the
    work it checks lives in the training database, under ``practice_username``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_attempts"
    )
    practice_username = models.CharField(max_length=60, unique=True)
    role = models.CharField(max_length=40, choices=Role.choices)
    started_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    # {task key: done?} as of the last check.
    tasks = models.JSONField(default=dict, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "passed_at"])]

    def __str__(self) -> str:
        return f"Practice test of {self.user} ({self.started_at:%Y-%m-%d})"
