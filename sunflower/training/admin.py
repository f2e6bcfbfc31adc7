"""The HMIS team writes courses in the admin: lessons inline, questions with their choices."""

from django.contrib import admin

from sunflower.core.admin import RecordAdmin

from .models import Choice, Course, Lesson, Question, QuizAttempt


class LessonInline(admin.StackedInline):
    model = Lesson
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "required_for",
        "refresher_months",
        "pass_percent",
        "is_published",
    ]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["course", "order", "text"]
    list_filter = ["course"]
    inlines = [ChoiceInline]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(RecordAdmin):
    list_display = ["user", "course", "score_percent", "passed", "taken_at"]
    list_filter = ["course", "passed"]
